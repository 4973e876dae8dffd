import type { Knex } from 'knex';

/**
 * 催办 reaches the person (U6): the message-centre template of an urge, sent to the task's assignee
 * (or every reviewer of an unclaimed task's group). Staff notices (case type `review-task`) stay in
 * the message centre: no 随申办 push, no SMS; `channels` is required by the table and not used for them.
 * Back: delete the urge messages and the template.
 */
const template = {
  code: 'task-urged',
  case_type: 'review-task',
  title: '催办：报名{{registrationNo}}',
  body: '{{urger}}催办您尽快办理报名{{registrationNo}}的“{{step}}”待办。催办说明：{{note}}',
  channels: ['suishenban'],
  params: ['registrationNo', 'step', 'urger', 'note'],
};

export async function up(knex: Knex): Promise<void> {
  await knex('message_templates').insert(template).onConflict('code').ignore();
}

export async function down(knex: Knex): Promise<void> {
  await knex('messages').where({ template_code: template.code }).delete();
  await knex('message_templates').where({ code: template.code }).delete();
}
