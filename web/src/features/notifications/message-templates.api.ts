import { messageTemplateView, type MessageTemplateView, type UpdateMessageTemplateRequest } from '../../../../api/src/contracts/notifications';
import { getJson, putJson } from '../../api/http';

const base = '/api/message-templates';

/** Every message template (随申办 push / SMS text of each step). */
export function listMessageTemplates(): Promise<MessageTemplateView[]> {
  return getJson(base, messageTemplateView.array());
}

export function getMessageTemplate(code: string): Promise<MessageTemplateView> {
  return getJson(`${base}/${encodeURIComponent(code)}`, messageTemplateView);
}

/** Saves title, body and channels; refused when someone else saved since `request.version`. */
export function updateMessageTemplate(code: string, request: UpdateMessageTemplateRequest): Promise<MessageTemplateView> {
  return putJson(`${base}/${encodeURIComponent(code)}`, request, messageTemplateView);
}
