import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { DomainError, notFound } from './errors';
import { TamperedRecordError } from '../security/security.errors';

/** The one place where errors become HTTP responses. */
export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (err instanceof DomainError) {
      res.status(err.status).json(err.toBody());
      return;
    }
    if (err instanceof TamperedRecordError) {
      // A row altered outside the application: refuse it, tell the operators, name no data.
      log.error({ table: err.table, key: err.key, url: req.originalUrl }, 'record fails its integrity seal');
      res.status(500).json({ code: 'INTEGRITY', message: '数据完整性校验失败，已记录并通知管理员' });
      return;
    }
    // body-parser errors carry a status and a type (malformed JSON, too large).
    const status = typeof err === 'object' && err !== null && 'status' in err ? Number(err.status) : 500;
    if (status === 400 || status === 413 || status === 415) {
      const message = status === 413 ? '提交的数据过大' : status === 415 ? '不支持的内容类型' : '请求格式不正确';
      res.status(status).json({ code: 'BAD_REQUEST', message });
      return;
    }
    log.error({ err, method: req.method, url: req.originalUrl }, 'unhandled error');
    res.status(500).json({ code: 'INTERNAL', message: '系统内部错误，请稍后再试' });
  };
}

export const apiNotFound: RequestHandler = (_req, _res, next) => next(notFound('接口不存在'));
