import type { RequestHandler } from 'express';
import { validationError, type FieldError } from './errors';
import { MAX_JSON_DEPTH, messages as bodyMessages } from './json-body';

const messages = {
  invalidCharacters: '内容包含不允许的控制字符或无效字符，请删除后重试',
};

/**
 * C0 control characters other than tab, line feed and carriage return. PostgreSQL refuses NUL in
 * text (a query with one fails, which would be a 500), and none of them belongs in a name, an
 * address or an opinion written into an official record.
 */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** A lone surrogate cannot be stored as UTF-8; it would silently become U+FFFD. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const badText = (value: string): boolean => CONTROL.test(value) || LONE_SURROGATE.test(value);

/**
 * Paths (as the validator names fields: `a.b.0`) of the strings in `value` that are not clean text.
 * The walk goes no deeper than the body parser lets a body nest; deeper input (a query string, say)
 * is refused where the walk stops rather than passed unchecked.
 */
function badFields(value: unknown, path: string[], found: FieldError[]): void {
  if (found.length >= 10) return;
  if (path.length > MAX_JSON_DEPTH && typeof value === 'object' && value !== null) {
    found.push({ field: path.join('.'), message: bodyMessages.tooDeep });
    return;
  }
  if (typeof value === 'string') {
    if (badText(value)) found.push({ field: path.join('.') || '_', message: messages.invalidCharacters });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => badFields(item, [...path, String(i)], found));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (badText(key)) found.push({ field: path.join('.') || '_', message: messages.invalidCharacters });
      else badFields(item, [...path, key], found);
    }
  }
}

/**
 * Refuses JSON bodies and query strings carrying control characters with a 400 naming the field,
 * before any handler can pass them to the database. Mount after the JSON body parser (`jsonBody`).
 */
export const rejectControlCharacters: RequestHandler = (req, _res, next) => {
  const found: FieldError[] = [];
  badFields(req.body, [], found);
  badFields(req.query, [], found);
  if (found.length) return next(validationError(found));
  next();
};
