import type { FormJsSchema } from '../../contracts/task-forms';
import type { VariableValue } from '../../engine/engine-client';
import type { FieldError } from '../../http/errors';

/** form-js component types that hold a value, and the kind of value each holds. */
const VALUE_KINDS = {
  textfield: 'string',
  textarea: 'string',
  datetime: 'string',
  radio: 'option',
  select: 'option',
  number: 'number',
  checkbox: 'boolean',
  checklist: 'options',
  taglist: 'options',
} as const;
type ValueKind = (typeof VALUE_KINDS)[keyof typeof VALUE_KINDS];

/** Components that only lay out or decorate (they hold no value). */
const LAYOUT_TYPES = new Set(['text', 'html', 'image', 'spacer', 'separator', 'button', 'group', 'iframe', 'table', 'default']);

export interface FormField {
  key: string;
  label: string;
  kind: ValueKind;
  required: boolean;
  /** Allowed values of a radio, select, checklist or taglist with static options. */
  options: string[] | null;
  minLength?: number;
  maxLength?: number;
  min?: number;
  max?: number;
  pattern?: string;
}

/** A field key becomes a process variable name: letters, digits, underscore. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

type Component = Record<string, unknown>;
const obj = (v: unknown): Component => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Component) : {});
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function walk(components: unknown, visit: (c: Component) => void): void {
  if (!Array.isArray(components)) return;
  for (const c of components) {
    const component = obj(c);
    visit(component);
    walk(component.components, visit);
  }
}

/**
 * The fields of a form-js schema, checked for what the engine needs: every value field has a unique
 * key that is a valid variable name, and its type is one we can validate. Problems name `schema`.
 */
export function formFieldsOf(schema: FormJsSchema): { fields: FormField[]; problems: FieldError[] } {
  const fields: FormField[] = [];
  const problems: FieldError[] = [];
  const problem = (message: string) => problems.push({ field: 'schema', message });
  walk(schema.components, (c) => {
    const type = typeof c.type === 'string' ? c.type : '';
    const label = typeof c.label === 'string' && c.label.trim() ? c.label.trim() : String(c.key ?? type);
    if (!Object.hasOwn(VALUE_KINDS, type)) {
      if (!LAYOUT_TYPES.has(type)) problem(`表单中的“${label}”（${type || '未知类型'}）暂不支持，请换用文本、数字、选择、勾选或日期字段`);
      return;
    }
    const key = c.key;
    if (typeof key !== 'string' || !VARIABLE_NAME.test(key)) {
      problem(`字段“${label}”的标识须以字母开头，由字母、数字和下划线组成`);
      return;
    }
    if (fields.some((f) => f.key === key)) {
      problem(`字段标识“${key}”重复`);
      return;
    }
    const validate = obj(c.validate);
    const values = Array.isArray(c.values) ? c.values.map((v) => obj(v).value).filter((v): v is string => typeof v === 'string') : null;
    const field: FormField = {
      key,
      label,
      kind: VALUE_KINDS[type as keyof typeof VALUE_KINDS],
      required: validate.required === true,
      options: values && values.length ? values : null,
    };
    const bounds = { minLength: num(validate.minLength), maxLength: num(validate.maxLength), min: num(validate.min), max: num(validate.max) };
    for (const [name, value] of Object.entries(bounds)) if (value !== undefined) field[name as keyof typeof bounds] = value;
    if (typeof validate.pattern === 'string' && validate.pattern) {
      try {
        new RegExp(validate.pattern);
        field.pattern = validate.pattern;
      } catch {
        problem(`字段“${label}”的校验规则（正则表达式）不正确`);
      }
    }
    fields.push(field);
  });
  if (!fields.length && !problems.length) problem('表单中没有可填写的字段');
  return { fields, problems };
}

const isEmpty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

/**
 * Checks submitted values against the form's fields and turns them into process variables: only the
 * form's own keys (anything else is refused), lists as JSON text. Errors name the field key.
 */
export function formVariables(fields: FormField[], data: Record<string, unknown>): { variables: Record<string, VariableValue>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const variables: Record<string, VariableValue> = {};
  const byKey = new Map(fields.map((f) => [f.key, f]));
  for (const key of Object.keys(data)) if (!byKey.has(key)) errors.push({ field: key, message: `表单中没有字段“${key}”` });
  for (const f of fields) {
    const value = data[f.key];
    const fail = (message: string) => errors.push({ field: f.key, message: `${f.label}：${message}` });
    if (isEmpty(value)) {
      if (f.required && !(f.kind === 'boolean' && value === false)) fail('此项为必填项');
      else variables[f.key] = f.kind === 'boolean' ? false : null;
      continue;
    }
    switch (f.kind) {
      case 'string':
      case 'option': {
        if (typeof value !== 'string') {
          fail('应为文本');
          break;
        }
        if (f.kind === 'option' && f.options && !f.options.includes(value)) fail('不是可选的值');
        else if (f.minLength !== undefined && value.length < f.minLength) fail(`至少${f.minLength}个字`);
        else if (f.maxLength !== undefined && value.length > f.maxLength) fail(`不能超过${f.maxLength}个字`);
        else if (value.length > 4000) fail('不能超过4000个字');
        else if (f.pattern && !new RegExp(f.pattern).test(value)) fail('格式不正确');
        else variables[f.key] = value;
        break;
      }
      case 'number': {
        const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
        if (typeof n !== 'number' || !Number.isFinite(n)) fail('应为数字');
        else if (f.min !== undefined && n < f.min) fail(`不能小于${f.min}`);
        else if (f.max !== undefined && n > f.max) fail(`不能大于${f.max}`);
        else variables[f.key] = n;
        break;
      }
      case 'boolean':
        if (typeof value !== 'boolean') fail('应为是或否');
        else variables[f.key] = value;
        break;
      case 'options': {
        if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) fail('应为选项列表');
        else if (f.options && value.some((v) => !f.options?.includes(v))) fail('含有不可选的值');
        else variables[f.key] = JSON.stringify(value);
        break;
      }
    }
  }
  return { variables, errors };
}
