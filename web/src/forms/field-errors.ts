/** Messages per form field, as el-form-item's `error` prop shows them. */
export type FieldErrors<K extends string> = Partial<Record<K, string>>;

interface FieldMessage {
  field: string;
  message: string;
}

/** zod issues (client side) as field/message pairs; the field is the top-level key of the form. */
export function issuesToFieldMessages(issues: readonly { path: readonly PropertyKey[]; message: string }[]): FieldMessage[] {
  return issues.map((issue) => ({ field: String(issue.path[0] ?? ''), message: issue.message }));
}

/**
 * Sorts messages onto the form's fields (first message per field wins). Messages for fields the form
 * does not have (or for no field) come back in `others`, to be shown above the form.
 */
export function toFieldErrors<K extends string>(
  messages: readonly FieldMessage[],
  formFields: readonly K[],
): { errors: FieldErrors<K>; others: string[] } {
  const errors: FieldErrors<K> = {};
  const others: string[] = [];
  for (const { field, message } of messages) {
    // Server paths may be nested ("majors.0.code", "items[0]"): the form shows them on the top-level field.
    const key = formFields.find((f) => f === field.split(/[.[]/)[0]);
    if (key === undefined) others.push(message);
    else errors[key] ??= message;
  }
  return { errors, others };
}

const han = /\p{Script=Han}/u;

/**
 * Users read Chinese only: a schema message without a custom Chinese text (zod's English default,
 * e.g. for a missing value) is replaced by one built from the field's label.
 */
export function readableMessage(message: string, label: string, missing: boolean): string {
  if (han.test(message)) return message;
  return missing ? `请填写${label}` : `${label}格式不正确`;
}
