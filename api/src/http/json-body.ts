import express, { type RequestHandler } from 'express';
import { DomainError } from './errors';

/**
 * How deeply a request body may nest arrays and objects. Forms nest a few levels, form-js schemas
 * about ten; a body nested thousands of levels deep is an attack on every recursive walk after it.
 */
export const MAX_JSON_DEPTH = 32;

export const messages = {
  tooDeep: `提交的数据嵌套层级过深（最多${MAX_JSON_DEPTH}层）`,
};

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = new Set([0x5b, 0x7b]); // [ {
const CLOSE = new Set([0x5d, 0x7d]); // ] }

/**
 * Whether a JSON text (UTF-8 bytes, or the code units of a string) opens more than `limit` arrays
 * and objects inside one another; brackets inside strings do not count. One pass, no recursion,
 * before anything parses or walks it. Malformed text is left to the parser.
 */
export function nestsDeeperThan(text: Uint8Array | string, limit: number): boolean {
  const at = typeof text === 'string' ? (i: number) => text.charCodeAt(i) : (i: number) => text[i]!;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = at(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (OPEN.has(c)) {
      if (++depth > limit) return true;
    } else if (CLOSE.has(c)) depth--;
  }
  return false;
}

/** The request's text as the parser will read it (UTF-8 unless the charset says otherwise). */
function decoded(body: Buffer, encoding: string): Uint8Array | string {
  if (/^utf-?8$/i.test(encoding)) return body;
  try {
    return new TextDecoder(encoding).decode(body);
  } catch {
    return body; // a charset TextDecoder lacks: brackets are still ASCII code units
  }
}

/**
 * The JSON body parser of every API route: at most `limit` bytes (413 otherwise) and
 * `MAX_JSON_DEPTH` levels of nesting (400 with a Chinese message otherwise), checked on the raw
 * bytes before parsing, so neither the parser nor a later walk of the body meets a deeper one.
 */
export function jsonBody(limit = '100kb'): RequestHandler {
  return express.json({
    limit,
    verify: (_req, _res, body, encoding) => {
      if (nestsDeeperThan(decoded(body, encoding), MAX_JSON_DEPTH)) throw new DomainError(400, 'BAD_REQUEST', messages.tooDeep);
    },
  });
}
