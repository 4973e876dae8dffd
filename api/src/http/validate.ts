import type { ZodType, z } from 'zod';
import { validationError } from './errors';

/** Parses input with a zod schema or throws a 400 naming every field at fault (in Chinese). */
export function parseInput<S extends ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const seen = new Set<string>();
  const fields = [];
  for (const issue of result.error.issues) {
    const field = issue.path.join('.') || '_';
    if (seen.has(field)) continue;
    seen.add(field);
    fields.push({ field, message: chineseMessage(issue.code, issue.message) });
  }
  throw validationError(fields);
}

/** zod's built-in messages are English; schemas give Chinese ones, these cover what they leave out. */
function chineseMessage(code: string, message: string): string {
  if (/[\u4e00-\u9fff]/.test(message)) return message;
  switch (code) {
    case 'invalid_type':
      return '缺少必填项或类型不正确';
    case 'unrecognized_keys':
      return '包含不允许的字段';
    case 'too_small':
      return '内容过短或数值过小';
    case 'too_big':
      return '内容过长或数值过大';
    case 'invalid_value':
      return '不是允许的选项';
    default:
      return '格式不正确';
  }
}
