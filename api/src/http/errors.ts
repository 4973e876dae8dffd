import type { ApiError } from '../contracts/errors';

export type FieldError = { field: string; message: string };

/** A domain error: services throw these; the error middleware turns them into responses. */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super(message);
    this.name = 'DomainError';
  }

  toBody(): ApiError {
    return this.fields ? { code: this.code, message: this.message, fields: this.fields } : { code: this.code, message: this.message };
  }
}

export const validationError = (fields: FieldError[]): DomainError =>
  new DomainError(400, 'VALIDATION', fields[0]?.message ?? '提交的数据不正确', fields);
export const notFound = (message = '请求的数据不存在'): DomainError => new DomainError(404, 'NOT_FOUND', message);
export const forbidden = (message = '无权执行此操作'): DomainError => new DomainError(403, 'FORBIDDEN', message);
export const unauthenticated = (message = '请先登录'): DomainError => new DomainError(401, 'UNAUTHENTICATED', message);
export const conflict = (code: string, message: string, field?: string): DomainError =>
  new DomainError(409, code, message, field ? [{ field, message }] : undefined);

/** A dependency (engine, renderer) failed; the user is told to try again, operators read the log. */
export const unavailable = (message = '系统繁忙，请稍后再试'): DomainError => new DomainError(503, 'UNAVAILABLE', message);
