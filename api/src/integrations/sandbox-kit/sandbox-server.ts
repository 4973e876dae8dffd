import http from 'node:http';
import {
  SANDBOX_CONTROL,
  SandboxError,
  applySwitches,
  closeServer,
  listen,
  patchSwitches,
  readJsonObject,
  sendJson,
  serverUrl,
  type BooleanKeys,
  type SandboxErrorFields,
  type SandboxSwitches,
} from './sandbox-http';

/**
 * The HTTP server every sandbox runs on (no Express): routing by method and path, the platform's
 * error body for whatever a route throws, and the test controls under `/__sandbox` (`GET|POST
 * settings` with latency and "platform down", plus each sandbox's own routes). What a platform says
 * and signs stays in its sandbox.
 */

/**
 * A route: the method, the path (exact, or a pattern whose groups are the parameters) and what it
 * does with the parameters. Routes are tried in order; the first whose method and path match runs.
 */
export type SandboxRoute<T> = readonly [method: string, path: string | RegExp, run: (params: string[]) => T];

/** The run of the first route matching, or undefined when none does. */
export function matchRoute<T>(routes: readonly SandboxRoute<T>[], method: string | undefined, pathname: string): (() => T) | undefined {
  for (const [routeMethod, path, run] of routes) {
    if (routeMethod !== method) continue;
    if (typeof path === 'string') {
      if (path === pathname) return () => run([]);
      continue;
    }
    const match = path.exec(pathname);
    if (match) return () => run(match.slice(1).map((group) => group ?? ''));
  }
  return undefined;
}

/** One request to a sandbox, with its parsed URL. */
export interface SandboxRequest {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  /** Runs the matching route; 404 with the platform's not-found code (接口不存在) when none matches. */
  route<T>(routes: readonly SandboxRoute<T>[]): T;
}

/** The test controls of a sandbox: its settings (latency, down and its own switches) and its own routes. */
export interface SandboxControls<S extends SandboxSwitches> {
  /** The live settings: `POST settings` changes them in place, platform requests read them. */
  settings: S;
  /** The boolean settings a `POST settings` may switch: `down` and the sandbox's own. */
  flags: readonly BooleanKeys<S>[];
  /** Checks the sandbox's other settings in a patch (400 with the field at fault) and sets them on `next`. */
  patch?: (next: S, patch: Record<string, unknown>) => void;
  /** The platform's code for a refused parameter. */
  invalidCode: string;
  /** The platform's code and message for 503 while down. */
  unavailableCode: string;
  downMessage: string;
  /** The largest control request body. */
  maxBody: number;
  /** The sandbox's own control routes, on the path after `/__sandbox`; each answers 200 with what it returns, as JSON. */
  routes?: (request: SandboxRequest) => readonly SandboxRoute<unknown>[];
}

export interface SandboxServerOptions<S extends SandboxSwitches> {
  port: number;
  host?: string;
  /** The platform's error body and codes. */
  errors: {
    fields: SandboxErrorFields;
    notFoundCode: string;
    /** What an unexpected failure answers (500). */
    internalMessage: string;
    /** Default `INTERNAL`. */
    internalCode?: string;
    /** Headers sent with an error body (e.g. `www-authenticate` on 401). */
    headers?: (error: SandboxError) => Record<string, string>;
  };
  /** Without controls `/__sandbox` is an ordinary path, and platform requests see neither down nor latency. */
  controls?: SandboxControls<S>;
  /** Serves a platform request (once the controls' switches let it through). */
  handle(request: SandboxRequest): Promise<void> | void;
}

export interface SandboxServer {
  server: http.Server;
  /** `http://host:port` it listens on. */
  url: string;
  /** Stops it, dropping open connections. */
  close(): Promise<void>;
}

/** Starts a sandbox server; resolves once it listens (port 0: a free port), rejects when the port cannot be bound. */
export async function startSandboxServer<S extends SandboxSwitches>(options: SandboxServerOptions<S>): Promise<SandboxServer> {
  const { errors, controls } = options;
  const notFound = () => new SandboxError(404, errors.notFoundCode, '接口不存在');

  async function control(request: SandboxRequest, c: SandboxControls<S>): Promise<void> {
    const settingsRoutes: SandboxRoute<unknown>[] = [
      ['GET', '/settings', () => c.settings],
      [
        'POST',
        '/settings',
        async () => {
          const patch = await readJsonObject(request.req, c.maxBody, c.invalidCode);
          const next = patchSwitches(c.settings, patch, c.flags, c.invalidCode);
          c.patch?.(next, patch);
          return Object.assign(c.settings, next);
        },
      ],
    ];
    const routes = [...settingsRoutes, ...(c.routes?.(request) ?? [])];
    const run = matchRoute(routes, request.req.method, request.url.pathname.slice(SANDBOX_CONTROL.length));
    if (!run) throw notFound();
    sendJson(request.res, 200, await run());
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const route = <T>(routes: readonly SandboxRoute<T>[]): T => {
      const run = matchRoute(routes, req.method, url.pathname);
      if (!run) throw notFound();
      return run();
    };
    const request: SandboxRequest = { req, res, url, route };
    if (controls) {
      if (url.pathname.startsWith(`${SANDBOX_CONTROL}/`)) return control(request, controls);
      await applySwitches(controls.settings, controls.unavailableCode, controls.downMessage);
    }
    await options.handle(request);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return;
      const e = error instanceof SandboxError ? error : new SandboxError(500, errors.internalCode ?? 'INTERNAL', errors.internalMessage);
      const w = errors.fields;
      sendJson(res, e.status, { [w.code]: e.code, [w.message]: e.message, ...(e.field && w.field ? { [w.field]: e.field } : {}) }, errors.headers?.(e));
    });
  });
  await listen(server, options.port, options.host);
  return { server, url: serverUrl(server), close: () => closeServer(server) };
}

/** Whether a value is a list of at most `maxLength` delays in milliseconds (0 to 24 h each). */
export function isDelayList(value: unknown, maxLength: number): value is number[] {
  return Array.isArray(value) && value.length <= maxLength && value.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0 && d <= 86_400_000);
}

/** A settings patch's `callbackBackoffMs` of a sandbox that sends callbacks, checked; undefined when the patch leaves it. */
export function patchedBackoff(patch: Record<string, unknown>, invalidCode: string): number[] | undefined {
  const list = patch.callbackBackoffMs;
  if (list === undefined) return undefined;
  if (!isDelayList(list, 50)) throw new SandboxError(400, invalidCode, 'callbackBackoffMs须为至多50个非负整数（毫秒）', 'callbackBackoffMs');
  return list;
}
