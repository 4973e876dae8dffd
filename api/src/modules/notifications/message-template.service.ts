import type { CurrentUser } from '../../contracts/auth';
import { placeholderProblem, type MessageTemplateView, type UpdateMessageTemplateRequest } from '../../contracts/notifications';
import { conflict, notFound, validationError, type FieldError } from '../../http/errors';
import type { MessageTemplateRepository, MessageTemplateRow } from './message-template.repository';

const text = {
  notFound: '消息模板不存在',
  changed: '该模板已被他人修改，请刷新后在最新版本上修改',
};

function view(row: MessageTemplateRow): MessageTemplateView {
  return {
    code: row.code,
    title: row.title,
    body: row.body,
    channels: row.channels,
    params: row.params,
    version: row.version,
    updatedBy: row.updated_by_username,
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Message templates as admins list and edit them (G5): placeholders are checked against what the case supplies. */
export class MessageTemplateService {
  constructor(private readonly templates: MessageTemplateRepository) {}

  async list(): Promise<MessageTemplateView[]> {
    return (await this.templates.list()).map(view);
  }

  async get(code: string): Promise<MessageTemplateView> {
    const row = await this.templates.find(code);
    if (!row) throw notFound(text.notFound);
    return view(row);
  }

  async update(user: CurrentUser, code: string, change: UpdateMessageTemplateRequest): Promise<MessageTemplateView> {
    const row = await this.templates.find(code);
    if (!row) throw notFound(text.notFound);
    const fields: FieldError[] = [];
    for (const field of ['title', 'body'] as const) {
      const problem = placeholderProblem(change[field], row.params);
      if (problem) fields.push({ field, message: problem });
    }
    if (fields.length) throw validationError(fields);
    if (change.version !== row.version) throw conflict('MESSAGE_TEMPLATE_CHANGED', text.changed, 'version');
    const saved = await this.templates.update(code, change.version, { title: change.title, body: change.body, channels: change.channels }, user.id);
    if (!saved) throw conflict('MESSAGE_TEMPLATE_CHANGED', text.changed, 'version');
    return this.get(code);
  }
}
