import type { Knex } from 'knex';

/**
 * The form of 快递异常处理 (processes/courier-delivery.bpmn, `form:courier-exception`): exam admins
 * complete the task in their inbox with how the failed delivery was handled and a note. Stored as
 * version 1 of a task form (U3), so a designer can revise it like any other.
 * Back: delete the form's versions.
 */
const FORM_KEY = 'courier-exception';

export async function up(knex: Knex): Promise<void> {
  const schema = {
    type: 'default',
    id: FORM_KEY,
    components: [
      {
        type: 'select',
        key: 'handling',
        label: '处理方式',
        values: [
          { label: '补寄', value: 'resend' },
          { label: '改为现场领取', value: 'pickup' },
          { label: '其他', value: 'other' },
        ],
        validate: { required: true },
      },
      { type: 'textarea', key: 'handlingNote', label: '处理说明', validate: { required: true, minLength: 2, maxLength: 500 } },
    ],
  };
  await knex('task_forms')
    .insert({ form_key: FORM_KEY, version: 1, name: '快递异常处理', schema: JSON.stringify(schema), created_by: 'system' })
    .onConflict(['form_key', 'version'])
    .ignore();
}

export async function down(knex: Knex): Promise<void> {
  await knex('task_forms').where({ form_key: FORM_KEY }).delete();
}
