import type { Knex } from 'knex';

/**
 * Notifications (G5). `message_templates`: the text of each step's message, edited by admins
 * (`{{param}}` placeholders, the channels to try, a version bumped on each save), seeded with the
 * steps of the flows. `messages`: every message sent to a person, as the message centre (消息中心)
 * shows it, with how it was delivered; one per event (`event_key` + template, unique), written
 * before delivery, so a redelivered task never pushes or texts twice.
 * Back: drop both tables.
 */

const registration = ['name', 'registrationNo', 'examName', 'majorName'];
const both = ['suishenban', 'sms'];

/** The defaults; admins change them afterwards (the migration never overwrites an edited row). */
const seeds: Array<{ code: string; case_type: string; title: string; body: string; params: string[] }> = [
  {
    code: 'registration-submitted',
    case_type: 'exam-registration',
    title: '报名已提交',
    body: '{{name}}，您报考的{{examName}}（{{majorName}}）已提交，报名号{{registrationNo}}。请留意资格审核结果。',
    params: registration,
  },
  {
    code: 'registration-returned',
    case_type: 'exam-registration',
    title: '报名被退回修改',
    body: '{{name}}，您的报名（报名号{{registrationNo}}）被退回修改：{{reason}}。请按要求修改后重新提交。',
    params: [...registration, 'reason'],
  },
  {
    code: 'registration-approved',
    case_type: 'exam-registration',
    title: '报名审核通过，请缴费',
    body: '{{name}}，您的报名（报名号{{registrationNo}}）已通过资格审核，请在{{paymentDeadline}}前缴纳考试费{{amount}}元，逾期未缴费视为放弃报名。',
    params: [...registration, 'paymentDeadline', 'amount'],
  },
  {
    code: 'payment-due',
    case_type: 'exam-registration',
    title: '缴费提醒',
    body: '{{name}}，您的报名（报名号{{registrationNo}}）尚未缴费，请在{{paymentDeadline}}前缴纳考试费{{amount}}元，逾期未缴费视为放弃报名。',
    params: [...registration, 'paymentDeadline', 'amount'],
  },
  {
    code: 'registration-rejected',
    case_type: 'exam-registration',
    title: '报名未通过审核',
    body: '{{name}}，您的报名（报名号{{registrationNo}}）未通过资格审核，原因：{{reason}}。',
    params: [...registration, 'reason'],
  },
  {
    code: 'payment-paid',
    case_type: 'exam-registration',
    title: '考试费已缴纳',
    body: '{{name}}，您的报名（报名号{{registrationNo}}）已缴纳考试费{{amount}}元，报名成功。',
    params: [...registration, 'amount'],
  },
  {
    code: 'receipt-ready',
    case_type: 'exam-registration',
    title: '电子票据已开具',
    body: '{{name}}，您缴纳的{{examName}}考试费电子票据已开具，可在报名详情中查看和下载。',
    params: registration,
  },
  {
    code: 'ticket-ready',
    case_type: 'exam-registration',
    title: '准考证可以打印了',
    body: '{{name}}，{{examName}}准考证已发布，请在报名详情中下载打印，并按准考证上的时间和地点参加考试。',
    params: registration,
  },
  {
    code: 'score-released',
    case_type: 'exam-registration',
    title: '考试成绩已发布',
    body: '{{name}}，{{examName}}成绩已发布，请登录查询。',
    params: registration,
  },
  {
    code: 'certificate-issued',
    case_type: 'exam-registration',
    title: '职业资格证书已核发',
    body: '{{name}}，您的初级注册安全工程师职业资格证书（{{majorName}}）已核发，电子证书可在随申办和一网通办查看。',
    params: registration,
  },
  {
    code: 'licence-decided',
    case_type: 'licence-application',
    title: '注册申请已办结',
    body: '{{name}}，您的注册申请（编号{{applicationNo}}）已办结，审批结果：{{decision}}。',
    params: ['name', 'applicationNo', 'decision'],
  },
];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('message_templates', (t) => {
    t.string('code', 64).primary();
    /** Which case the message is about; its recipient and parameter values come from there. */
    t.string('case_type', 32).notNullable();
    t.string('title', 64).notNullable();
    t.string('body', 500).notNullable();
    /** Channels to try in order, besides the message centre: `suishenban`, `sms`. */
    t.specificType('channels', 'text[]').notNullable();
    /** Placeholders the body and title may use. */
    t.specificType('params', 'text[]').notNullable();
    t.integer('version').notNullable().defaultTo(1);
    t.integer('updated_by').references('users.id');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check(`channels <@ array['suishenban', 'sms']::text[] and cardinality(channels) > 0`, [], 'message_templates_channels_check');
    t.check('version > 0', [], 'message_templates_version_check');
  });
  await knex('message_templates')
    .insert(seeds.map((s) => ({ ...s, channels: both })))
    .onConflict('code')
    .ignore();

  await knex.schema.createTable('messages', (t) => {
    /** Ours; also the idempotency key of the push. */
    t.uuid('id').primary();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('template_code', 64).notNullable().references('message_templates.code');
    t.integer('template_version').notNullable();
    /** The step that sent it: process instance and activity instance (or another caller's stable key). */
    t.string('event_key', 200).notNullable();
    t.string('case_type', 32).notNullable();
    t.string('case_key', 64).notNullable();
    t.string('title', 64).notNullable();
    t.text('body').notNullable();
    /** The parameter values as sent to 随申办 (a retry sends exactly the same push). */
    t.jsonb('params').notNullable().defaultTo('{}');
    /** A console path, e.g. `/portal/registrations/BM…`. */
    t.string('link', 256);
    t.string('status', 16).notNullable().defaultTo('pending');
    t.string('channel', 16);
    t.string('platform_message_id', 128);
    /** Set before an SMS is requested: SMS has no idempotency key, so a retry must not text again. */
    t.timestamp('sms_requested_at', { useTz: true });
    t.integer('attempts').notNullable().defaultTo(0);
    t.string('last_error', 300);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sent_at', { useTz: true });
    t.timestamp('read_at', { useTz: true });
    t.unique(['event_key', 'template_code']);
    t.index(['user_id', 'created_at']);
    t.check(`status in ('pending', 'sent', 'unconfirmed', 'centre-only')`, [], 'messages_status_check');
    t.check(`channel is null or channel in ('suishenban', 'sms')`, [], 'messages_channel_check');
  });
  // The badge counts a person's unread messages on every page.
  await knex.raw('create index messages_unread on messages (user_id) where read_at is null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('messages');
  await knex.schema.dropTableIfExists('message_templates');
}
