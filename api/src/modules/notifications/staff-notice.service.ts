import crypto from 'node:crypto';
import { messageTemplateLimits, placeholdersOf, renderMessageText } from '../../contracts/notifications';
import type { Db } from '../../db/knex';
import type { MessageTemplateRepository } from './message-template.repository';
import type { MessageRepository } from './message.repository';

/** One notice to colleagues: which template, about which case, the values it needs and who receives it. */
export interface StaffNotice {
  templateCode: string;
  /** Stable per notice (e.g. `task-urge:<urge id>`); each recipient's message is keyed by it and their user id. */
  eventKey: string;
  /** The case the notice is about, as the message centre shows it (a task id for `review-task`). */
  caseKey: string;
  /** A console path the message opens. */
  link: string;
  params: Record<string, string>;
  userIds: readonly number[];
}

const clip = (value: string, max: number) => (value.length > max ? `${value.slice(0, max - 1)}…` : value);

/**
 * In-app notices to staff (催办 and the like): written straight to the message centre as
 * `centre-only`, never pushed or texted, in the caller's transaction so a notice exists exactly when
 * the action that caused it does. The text comes from the admin-editable template.
 */
export class StaffNoticeService {
  constructor(
    private readonly templates: MessageTemplateRepository,
    private readonly messages: MessageRepository,
  ) {}

  async send(trx: Db, notice: StaffNotice): Promise<void> {
    if (notice.userIds.length === 0) return;
    const template = await this.templates.find(notice.templateCode);
    if (!template) throw new Error(`message template ${notice.templateCode} is missing (migration not run?)`);
    const title = renderMessageText(template.title, notice.params);
    const body = renderMessageText(template.body, notice.params);
    const missing = [...new Set([...title.missing, ...body.missing])];
    if (missing.length) throw new Error(`message template ${template.code} lacks values for ${missing.join(', ')}`);
    const used = placeholdersOf(`${template.title}\n${template.body}`);
    const params = Object.fromEntries(used.map((name) => [name, notice.params[name]!]));
    await this.messages.insertCentreOnly(
      trx,
      [...new Set(notice.userIds)].map((userId) => ({
        id: crypto.randomUUID(),
        user_id: userId,
        template_code: template.code,
        template_version: template.version,
        event_key: `${notice.eventKey}:${userId}`,
        case_type: template.case_type,
        case_key: notice.caseKey,
        title: clip(title.text, messageTemplateLimits.titleMax),
        body: body.text,
        params,
        link: notice.link,
      })),
    );
  }
}
