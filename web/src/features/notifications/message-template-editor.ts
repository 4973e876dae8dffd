import {
  messageParamLabels,
  messageParamSamples,
  placeholderProblem,
  renderMessageText,
  updateMessageTemplateRequest,
  type MessageChannel,
  type MessageTemplateView,
  type UpdateMessageTemplateRequest,
} from '../../../../api/src/contracts/notifications';
import type { FieldErrors } from '../../forms/field-errors';

export interface MessageTemplateForm {
  title: string;
  body: string;
  channels: MessageChannel[];
}

export type MessageTemplateField = keyof MessageTemplateForm;
export const messageTemplateFields: MessageTemplateField[] = ['title', 'body', 'channels'];

/** A placeholder as the editor offers it: `{{name}}` and what it stands for. */
export function paramChoices(params: readonly string[]): Array<{ name: string; token: string; label: string }> {
  return params.map((name) => ({ name, token: `{{${name}}}`, label: messageParamLabels[name] ?? name }));
}

/** The message as the phone would show it, with sample values (placeholders without one stay visible). */
export function previewMessage(form: Pick<MessageTemplateForm, 'title' | 'body'>): { title: string; body: string } {
  const fill = (text: string) => renderMessageText(text, messageParamSamples, (name) => `{{${name}}}`).text;
  return { title: fill(form.title), body: fill(form.body) };
}

/** Placeholder problems while typing, on the fields they are in (the API checks the same rules on save). */
export function placeholderErrors(form: Pick<MessageTemplateForm, 'title' | 'body'>, params: readonly string[]): FieldErrors<'title' | 'body'> {
  const errors: FieldErrors<'title' | 'body'> = {};
  for (const field of ['title', 'body'] as const) {
    const problem = placeholderProblem(form[field], params);
    if (problem) errors[field] = problem;
  }
  return errors;
}

/** The save request, or the messages per field when the form is not valid yet. */
export function saveRequest(
  template: Pick<MessageTemplateView, 'params' | 'version'>,
  form: MessageTemplateForm,
): { request: UpdateMessageTemplateRequest } | { errors: FieldErrors<MessageTemplateField> } {
  const parsed = updateMessageTemplateRequest.safeParse({ ...form, version: template.version });
  const errors: FieldErrors<MessageTemplateField> = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = messageTemplateFields.find((f) => f === issue.path[0]);
      if (field) errors[field] ??= issue.message;
    }
  }
  for (const [field, message] of Object.entries(placeholderErrors(form, template.params)) as Array<['title' | 'body', string]>) errors[field] ??= message;
  if (!parsed.success || Object.keys(errors).length > 0) return { errors };
  return { request: parsed.data };
}

/** Inserts `token` into `text` at the cursor (or replacing the selection); answers the text and the new cursor. */
export function insertAt(text: string, token: string, start: number | null, end: number | null): { text: string; cursor: number } {
  const from = start ?? text.length;
  const to = end ?? from;
  return { text: text.slice(0, from) + token + text.slice(to), cursor: from + token.length };
}
