import { Router, type Request, type Response } from 'express';
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z, type ZodType } from 'zod';
import type { CurrentUser, PermissionCode } from '../contracts/auth';
import { apiError } from '../contracts/errors';
import { DomainError, forbidden, unauthenticated, validationError, type FieldError } from './errors';
import { TRANSPORT_PREFIX } from '../contracts/security';
import type { AuditAction } from '../contracts/audit-actions';
import type { AuditEntryInput } from '../security/audit-log';
import { parseInput } from './validate';

/** Who may call a route. Every route declares one; `public` routes are an explicit, reviewed list. */
export type Access = { permission: PermissionCode } | { public: true } | { authenticated: true };

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteSpec<B extends ZodType | undefined, Q extends ZodType | undefined, P extends ZodType | undefined> {
  method: Method;
  /** Express path, e.g. `/registrations/:registrationNo`. */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  body?: B;
  query?: Q;
  params?: P;
  /** JSON response schema, or a content type when the handler writes the response itself. */
  response?: ZodType | { contentType: string };
  status?: 200 | 201 | 204;
  /** Body fields that must arrive SM2-encrypted by the browser (`sm2:` + hex); decrypted before validation. */
  encryptedFields?: readonly string[];
  /** Writes an entry to the security audit log for every call, successful or not (等保: 安全审计). */
  audit?: RouteAudit<Infer<B>, Infer<Q>, Infer<P>>;
}

export interface RouteAudit<B, Q, P> {
  /** Dotted verb, e.g. `registration.create`. */
  action: AuditAction;
  objectType?: string;
  /** The object acted on; `result` is undefined when the call failed. */
  objectId?: (ctx: AuditView<B, Q, P>, result: unknown) => string | number | null | undefined;
  /** Who acts when nobody is signed in yet (sign-in: the username given). */
  actor?: (ctx: AuditView<B, Q, P>) => string | undefined;
}

/** What an audit rule may read of a call: the parsed input, when parsing got that far. */
export interface AuditView<B, Q, P> {
  body: B | undefined;
  query: Q | undefined;
  params: P | undefined;
}

export type AuditSink = (entry: AuditEntryInput) => Promise<unknown>;

type Infer<T> = T extends ZodType ? z.infer<T> : undefined;

export interface RouteContext<B, Q, P> {
  req: Request;
  res: Response;
  /** Present on every route that is not public. */
  user: CurrentUser;
  body: B;
  query: Q;
  params: P;
}

export interface DeclaredRoute {
  method: Method;
  path: string;
  access: Access;
}

/** Resolves the signed-in user of a request (from the session), or null. */
export type UserResolver = (req: Request) => Promise<CurrentUser | null>;

/**
 * Declares API routes: one line per route binds its access rule, its zod contracts (validated on
 * every call) and its OpenAPI description, so the three can never drift apart.
 */
export class ApiRoutes {
  readonly router = Router();
  readonly registry = new OpenAPIRegistry();
  readonly declared: DeclaredRoute[] = [];

  constructor(
    private readonly resolveUser: UserResolver,
    private readonly audit: AuditSink,
    /** Decrypts a transport-encrypted field (hex without the prefix); throws when it cannot. */
    private readonly openTransport: (cipherHex: string) => string,
  ) {}

  define<B extends ZodType | undefined = undefined, Q extends ZodType | undefined = undefined, P extends ZodType | undefined = undefined>(
    spec: RouteSpec<B, Q, P>,
    handler: (ctx: RouteContext<Infer<B>, Infer<Q>, Infer<P>>) => Promise<unknown>,
  ): void {
    this.declared.push({ method: spec.method, path: spec.path, access: spec.access });
    this.describe(spec);
    this.router[spec.method](spec.path, async (req, res) => {
      const user = await this.resolveUser(req);
      const view: AuditView<Infer<B>, Infer<Q>, Infer<P>> = { body: undefined, query: undefined, params: undefined };
      try {
        if (!('public' in spec.access)) {
          if (!user) throw unauthenticated();
          if ('permission' in spec.access && !user.permissions.includes(spec.access.permission)) throw forbidden();
        }
        view.params = (spec.params ? parseInput(spec.params, req.params) : undefined) as Infer<P>;
        view.query = (spec.query ? parseInput(spec.query, req.query) : undefined) as Infer<Q>;
        const rawBody = spec.encryptedFields ? this.decryptFields(req.body, spec.encryptedFields) : req.body;
        view.body = (spec.body ? parseInput(spec.body, rawBody ?? {}) : undefined) as Infer<B>;
        const ctx = { req, res, user: user as CurrentUser, body: view.body as Infer<B>, query: view.query as Infer<Q>, params: view.params as Infer<P> };
        const result = await handler(ctx);
        if (spec.audit) await this.record(spec.audit, view, req, user, 'success', result);
        if (res.headersSent) return;
        const status = spec.status ?? 200;
        if (status === 204) res.status(204).end();
        else res.status(status).json(result);
      } catch (err) {
        const denied = err instanceof DomainError && err.status === 403;
        if (spec.audit || denied) {
          const rule = spec.audit ?? { action: 'access.denied' };
          const detail = { route: `${spec.method.toUpperCase()} ${spec.path}`, code: err instanceof DomainError ? err.code : 'INTERNAL' };
          await this.record(rule, view, req, user, denied ? 'denied' : 'failure', undefined, detail);
        }
        throw err;
      }
    });
  }

  private decryptFields(body: unknown, fields: readonly string[]): unknown {
    if (typeof body !== 'object' || body === null) return body;
    const out: Record<string, unknown> = { ...(body as Record<string, unknown>) };
    const errors: FieldError[] = [];
    for (const field of fields) {
      const value = out[field];
      if (value === undefined) continue;
      if (typeof value !== 'string' || !value.startsWith(TRANSPORT_PREFIX)) {
        errors.push({ field, message: '该项须加密传输，请刷新页面后重试' });
        continue;
      }
      try {
        out[field] = this.openTransport(value.slice(TRANSPORT_PREFIX.length));
      } catch {
        errors.push({ field, message: '该项无法解密，请刷新页面后重试' });
      }
    }
    if (errors.length) throw validationError(errors);
    return out;
  }

  private async record<B, Q, P>(
    rule: RouteAudit<B, Q, P>,
    view: AuditView<B, Q, P>,
    req: Request,
    user: CurrentUser | null,
    result: 'success' | 'failure' | 'denied',
    value: unknown,
    detail?: Record<string, unknown>,
  ): Promise<void> {
    let objectId: string | number | null | undefined;
    try {
      objectId = rule.objectId?.(view, value);
    } catch {
      objectId = undefined; // the input did not parse far enough to name the object
    }
    await this.audit({
      actor: user?.username ?? rule.actor?.(view) ?? 'anonymous',
      action: rule.action,
      objectType: rule.objectType ?? null,
      objectId: objectId ?? null,
      ip: req.ip ?? null,
      result,
      ...(detail ? { detail } : {}),
    });
  }

  private describe(spec: RouteSpec<ZodType | undefined, ZodType | undefined, ZodType | undefined>): void {
    const status = spec.status ?? 200;
    const errors = { description: '错误', content: { 'application/json': { schema: apiError } } };
    const success =
      spec.response && 'contentType' in spec.response
        ? { description: '成功', content: { [spec.response.contentType]: { schema: z.string() } } }
        : spec.response
          ? { description: '成功', content: { 'application/json': { schema: spec.response } } }
          : { description: '成功' };
    const security = 'public' in spec.access ? [] : [{ session: [] }];
    this.registry.registerPath({
      method: spec.method,
      path: spec.path.replace(/:([A-Za-z]+)/g, '{$1}'),
      summary: spec.summary,
      tags: [spec.tag],
      security,
      ...('permission' in spec.access ? { description: `权限: \`${spec.access.permission}\`` } : {}),
      request: {
        ...(spec.body ? { body: { content: { 'application/json': { schema: spec.body } } } } : {}),
        ...(spec.query ? { query: spec.query as z.ZodObject } : {}),
        ...(spec.params ? { params: spec.params as z.ZodObject } : {}),
      },
      responses: { [status]: success, 400: errors, 401: errors, 403: errors, 404: errors },
    });
  }

  openApiDocument(): ReturnType<OpenApiGeneratorV31['generateDocument']> {
    this.registry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'bpm.sid' });
    return new OpenApiGeneratorV31(this.registry.definitions).generateDocument({
      openapi: '3.1.0',
      info: { title: '上海市初级注册安全工程师管理子系统 API', version: '0.1.0' },
      servers: [{ url: '/api' }],
    });
  }
}
