import { FORM_KEY_PREFIX, GENERIC_APPROVAL_FORM_KEY, type FormJsSchema } from '../../../../api/src/contracts/task-forms';

/** A field error as the API answers it (`field` is a form field's key, `opinion`, `attachments`, ...). */
export interface FieldMessage {
  field: string;
  message: string;
}

/** The schema a new form starts with in the editor: one text field, so it can be saved as it is. */
export function newFormSchema(): FormJsSchema {
  return {
    type: 'default',
    id: 'Form_New',
    components: [{ type: 'textfield', key: 'remark', label: '备注', id: 'Field_Remark' }],
  };
}

/** Whether a task's form key is completed through the form dialog (a designed form or the generic approval form). */
export function hasTaskForm(formKey: string | null | undefined): boolean {
  if (!formKey) return false;
  return formKey === GENERIC_APPROVAL_FORM_KEY || (formKey.startsWith(FORM_KEY_PREFIX) && formKey.length > FORM_KEY_PREFIX.length);
}

/** The keys of every component of a schema (nested groups included) that holds a value. */
export function schemaFieldKeys(schema: { components?: unknown }): string[] {
  const keys: string[] = [];
  const walk = (components: unknown): void => {
    if (!Array.isArray(components)) return;
    for (const c of components) {
      if (typeof c !== 'object' || c === null) continue;
      const component = c as Record<string, unknown>;
      if (typeof component.key === 'string' && component.key) keys.push(component.key);
      walk(component.components);
    }
  };
  walk(schema.components);
  return keys;
}

/**
 * Splits the API's field errors into those of the form's own fields (keyed, shown under the form)
 * and the rest (`opinion`, `attachments`, unknown fields), keeping the first message per field.
 */
export function splitFieldErrors(
  errors: readonly FieldMessage[],
  schema: { components?: unknown } | null,
): { formFields: Record<string, string>; other: Record<string, string> } {
  const keys = new Set(schema ? schemaFieldKeys(schema) : []);
  const formFields: Record<string, string> = {};
  const other: Record<string, string> = {};
  for (const { field, message } of errors) {
    const target = keys.has(field) ? formFields : other;
    if (!(field in target)) target[field] = message;
  }
  return { formFields, other };
}

/** What the viewer submitted, without empty values (an empty optional field is simply not sent). */
export function submittedData(data: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value) && value.length === 0) continue;
    result[key] = value;
  }
  return result;
}
