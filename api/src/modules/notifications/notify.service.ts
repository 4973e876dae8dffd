import crypto from 'node:crypto';
import type { Db } from '../../db/knex';
import { messageTemplateLimits, placeholdersOf, renderMessageText, type DeliveryStatus, type MessageChannel } from '../../contracts/notifications';
import type { SecurityServices } from '../../security/security-services';
import { SmsNetworkError, type SmsGateway } from '../../integrations/sms/sms-gateway';
import { SuishenbanUserUnknownError, type SuishenbanPush } from '../../integrations/suishenban/suishenban-push';
import { suishenbanWire } from '../../integrations/suishenban/suishenban-wire';
import { MessageTemplateRepository } from './message-template.repository';
import { MessageRepository, type MessageRow } from './message.repository';
import type { RecipientResolver } from './recipients';

/** The SMS platform template notifications go out with (registered with the platform: `{title}：{content}`). */
export const NOTICE_SMS_TEMPLATE = 'BUSINESS_NOTICE';

const text = {
  templateUnknown: (code: string) => `消息模板${code}不存在`,
  caseTypeUnsupported: (code: string, caseType: string) => `消息模板${code}所属的业务类型${caseType}尚不支持发送消息`,
  caseNotFound: (caseType: string, key: string) => `未找到要通知的业务（${caseType} ${key}）`,
  paramsMissing: (code: string, names: string[]) => `消息模板${code}缺少参数：${names.join('、')}`,
  pushFailed: (detail: string) => `随申办推送失败：${detail}`,
  smsFailed: (detail: string) => `短信发送失败：${detail}`,
  smsUnanswered: '短信平台未在规定时间内答复，短信可能已发出；为避免重复发送，不再重发',
  smsAskedBefore: '此前一次发送短信未得到短信平台的答复，短信可能已发出；为避免重复发送，不再重发',
  unreachable: '未开通随申办且未绑定手机，仅在消息中心提示',
};

/** The message could not be prepared or delivered: the step fails, the engine retries and finally raises an incident. */
export class NotifyError extends Error {
  override readonly name = 'NotifyError';
}

export interface NotifyChannels {
  suishenban: SuishenbanPush;
  sms: SmsGateway;
  /** The console's public address: a push links to this plus the message's path. */
  publicBaseUrl: string;
}

/** One step's message: which template, about which case, and the step's stable key. */
export interface NotifyEvent {
  templateCode: string;
  /** The case's own number (the process's business key), e.g. a registration number. */
  caseKey: string;
  /** Stable across redeliveries of the step: `processInstanceId:activityInstanceId` for a worker. */
  eventKey: string;
  /** Values for placeholders beyond those the case supplies. */
  params?: Record<string, string>;
}

export interface NotifyOutcome {
  messageId: string;
  status: DeliveryStatus;
  channel: MessageChannel | null;
  /** The event had been handled before: nothing was sent this time. */
  alreadyHandled: boolean;
}

const clip = (value: string, max: number) => (value.length > max ? `${value.slice(0, max - 1)}…` : value);
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Sends a step's message to the person a case concerns, exactly once per event: the message is
 * written to the message centre as `pending` (unique per event and template) before anything goes
 * out; then it is pushed through 随申办 with its id as the platform's idempotency key, or, when the
 * person has no 随申办, texted to their bound phone; then marked sent. A retry of the same event
 * finds the stored message: a sent one is left alone, a pending one is pushed again under the same
 * id (the platform answers the first push) or texted only if no earlier attempt asked the SMS
 * platform (SMS has no idempotency key: an unanswered request is never repeated). A platform that
 * is down fails the step (`NotifyError`) with nothing marked sent.
 */
export class NotifyService {
  private readonly templates: MessageTemplateRepository;
  private readonly messages: MessageRepository;
  private readonly resolvers: Map<string, RecipientResolver>;

  constructor(
    db: Db,
    private readonly security: SecurityServices,
    resolvers: readonly RecipientResolver[],
    private readonly channels: NotifyChannels,
  ) {
    this.templates = new MessageTemplateRepository(db);
    this.messages = new MessageRepository(db);
    this.resolvers = new Map(resolvers.map((r) => [r.caseType, r]));
  }

  async notify(event: NotifyEvent): Promise<NotifyOutcome> {
    const earlier = await this.messages.findByEvent(event.eventKey, event.templateCode);
    const message = earlier ?? (await this.prepare(event));
    if (message.status !== 'pending') return { messageId: message.id, status: message.status, channel: message.channel, alreadyHandled: true };
    const template = await this.templates.find(message.template_code);
    return this.deliver(message, template?.channels ?? ['suishenban', 'sms']);
  }

  /** Renders the template for the case's person and stores the message as pending (its own statement, committed at once). */
  private async prepare(event: NotifyEvent): Promise<MessageRow> {
    const template = await this.templates.find(event.templateCode);
    if (!template) throw new NotifyError(text.templateUnknown(event.templateCode));
    const resolver = this.resolvers.get(template.case_type);
    if (!resolver) throw new NotifyError(text.caseTypeUnsupported(template.code, template.case_type));
    const recipient = await resolver.resolve(event.caseKey);
    if (!recipient) throw new NotifyError(text.caseNotFound(template.case_type, event.caseKey));
    const values = { ...recipient.values, ...(event.params ?? {}) };
    const title = renderMessageText(template.title, values);
    const body = renderMessageText(template.body, values);
    const missing = [...new Set([...title.missing, ...body.missing])];
    if (missing.length) throw new NotifyError(text.paramsMissing(template.code, missing));
    const used = placeholdersOf(`${template.title}\n${template.body}`);
    return this.messages.insertPending({
      id: crypto.randomUUID(),
      user_id: recipient.userId,
      template_code: template.code,
      template_version: template.version,
      event_key: event.eventKey,
      case_type: template.case_type,
      case_key: event.caseKey,
      title: clip(title.text, messageTemplateLimits.titleMax),
      body: body.text,
      params: Object.fromEntries(used.map((name) => [name, clip(values[name]!, suishenbanWire.limits.paramValueMax)])),
      link: recipient.link,
    });
  }

  private async deliver(message: MessageRow, channels: readonly MessageChannel[]): Promise<NotifyOutcome> {
    const done = (status: DeliveryStatus, channel: MessageChannel | null): NotifyOutcome => ({ messageId: message.id, status, channel, alreadyHandled: false });
    await this.messages.countAttempt(message.id);
    const contact = await this.messages.contactOf(message.user_id);
    let notReached: string = text.unreachable;

    if (channels.includes('suishenban') && contact?.ywtb_sub) {
      let pushId: string | null = null;
      try {
        const receipt = await this.channels.suishenban.push({
          messageId: message.id,
          userId: contact.ywtb_sub,
          templateCode: message.template_code,
          params: message.params,
          title: message.title,
          content: clip(message.body, suishenbanWire.limits.contentMax),
          link: `${this.channels.publicBaseUrl.replace(/\/+$/, '')}${message.link ?? '/'}`,
        });
        pushId = receipt.pushId;
      } catch (error) {
        // Only "this person has no 随申办" sends the message another way; a platform fault is retried.
        if (!(error instanceof SuishenbanUserUnknownError)) {
          await this.messages.recordFailure(message.id, text.pushFailed(describe(error)));
          throw new NotifyError(text.pushFailed(describe(error)), { cause: error });
        }
        notReached = error.message;
      }
      if (pushId !== null) {
        await this.messages.markSent(message.id, 'suishenban', pushId);
        return done('sent', 'suishenban');
      }
    }

    if (channels.includes('sms') && contact?.bound_phone) {
      if (!(await this.messages.claimSms(message.id))) {
        await this.messages.markUnconfirmed(message.id, text.smsAskedBefore);
        return done('unconfirmed', 'sms');
      }
      let smsId: string;
      try {
        smsId = (
          await this.channels.sms.send({
            phone: this.security.cipher.decrypt(contact.bound_phone),
            templateCode: NOTICE_SMS_TEMPLATE,
            params: { title: message.title, content: message.body },
          })
        ).messageId;
      } catch (error) {
        if (error instanceof SmsNetworkError && error.timedOut) {
          await this.messages.markUnconfirmed(message.id, text.smsUnanswered);
          return done('unconfirmed', 'sms');
        }
        // Refused or never arrived: certainly not sent, so the retry may ask again.
        await this.messages.releaseSms(message.id, text.smsFailed(describe(error)));
        throw new NotifyError(text.smsFailed(describe(error)), { cause: error });
      }
      // Should this fail, the claim stays: the retry marks the message unconfirmed rather than texting again.
      await this.messages.markSent(message.id, 'sms', smsId);
      return done('sent', 'sms');
    }

    await this.messages.markCentreOnly(message.id, notReached);
    return done('centre-only', null);
  }
}
