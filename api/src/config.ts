import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const envSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().positive().default(3000),
  DATA_DIR: z.string().default(path.join(repoRoot, '.data')),
  PGPORT: z.coerce.number().int().positive().default(54320),
  DATABASE_URL: z.string().optional(),
  ENGINE_DATABASE_URL: z.string().optional(),
  ENGINE_HOST: z.string().default('127.0.0.1'),
  ENGINE_PORT: z.coerce.number().int().positive().default(8080),
  ENGINE_REST_URL: z.string().optional(),
  ENGINE_ADMIN_USER: z.string().default('operaton'),
  ENGINE_ADMIN_PASSWORD: z.string().optional(),
  SESSION_SECRET: z.string().min(32).optional(),
  SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(30),
  /** `true` behind the TLS proxy: session and CSRF cookies are then sent over HTTPS only. */
  SECURE_COOKIES: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  CHROMIUM_PATH: z.string().default('/usr/bin/chromium'),
  PDF_PAGE_POOL: z.coerce.number().int().positive().default(4),
  DEMO_DATA: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WORKER_ID: z.string().optional(),
  /** The SMS platform; unset: `npm start` runs the SMS sandbox on SMS_SANDBOX_PORT. */
  SMS_GATEWAY_URL: z.string().url().optional(),
  SMS_APP_ID: z.string().min(1).default('bpm-safety-engineer'),
  SMS_APP_SECRET: z.string().min(16).optional(),
  SMS_SANDBOX_PORT: z.coerce.number().int().positive().default(3101),
  /** 一网通办 unified identity service; unset: `npm start` runs its sandbox on YWTB_SANDBOX_PORT. */
  YWTB_BASE_URL: z.string().url().optional(),
  YWTB_CLIENT_ID: z.string().min(1).default('bpm-safety-engineer'),
  YWTB_CLIENT_SECRET: z.string().min(16).optional(),
  /** The platform's SM2 public key (`04` + 128 hex); required with YWTB_BASE_URL, read from the sandbox otherwise. */
  YWTB_PUBLIC_KEY: z.string().regex(/^04[0-9a-fA-F]{128}$/).optional(),
  /** Expected `iss` of ID tokens; default YWTB_BASE_URL. */
  YWTB_ISSUER: z.string().min(1).optional(),
  /** Our callback as registered with 一网通办; default derived from the request (http(s)://host/api/auth/ywtb/callback). */
  YWTB_REDIRECT_URI: z.string().url().optional(),
  YWTB_SANDBOX_PORT: z.coerce.number().int().positive().default(3102),
});

export interface AppConfig {
  host: string;
  port: number;
  dataDir: string;
  pgPort: number;
  /** Application database; undefined means the embedded server's `bpm_app`. */
  databaseUrl: string | undefined;
  engineDatabaseUrl: string | undefined;
  engine: { host: string; port: number; restUrl: string; user: string; password: string };
  sessionSecret: string;
  sessionIdleMinutes: number;
  secureCookies: boolean;
  chromiumPath: string;
  pdfPagePool: number;
  demoData: boolean;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  workerId: string;
  sms: {
    /** Undefined: no real platform configured (start.ts then runs the sandbox). */
    gatewayUrl: string | undefined;
    appId: string;
    appSecret: string;
    sandboxPort: number;
  };
  ywtb: {
    /** Undefined: no real platform configured (start.ts then runs the sandbox). */
    baseUrl: string | undefined;
    clientId: string;
    clientSecret: string;
    publicKey: string | undefined;
    issuer: string | undefined;
    redirectUri: string | undefined;
    sandboxPort: number;
  };
}

/**
 * Reads a secret from the environment, or from `.data/secrets/<name>` where one is generated at
 * first start, so that a fresh checkout runs without configuration and never commits secrets.
 */
export function localSecret(dataDir: string, name: string, fromEnv: string | undefined): string {
  if (fromEnv) return fromEnv;
  const dir = path.join(dataDir, 'secrets');
  const file = path.join(dir, name);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  // The data folder stays traversable (PostgreSQL runs as its own user below it); only secrets/ is private.
  fs.mkdirSync(dataDir, { recursive: true });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const value = crypto.randomBytes(24).toString('base64url');
  fs.writeFileSync(file, value, { mode: 0o600 });
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid environment: ${detail}`);
  }
  const e = parsed.data;
  return {
    host: e.HOST,
    port: e.PORT,
    dataDir: e.DATA_DIR,
    pgPort: e.PGPORT,
    databaseUrl: e.DATABASE_URL,
    engineDatabaseUrl: e.ENGINE_DATABASE_URL,
    engine: {
      host: e.ENGINE_HOST,
      port: e.ENGINE_PORT,
      restUrl: e.ENGINE_REST_URL ?? `http://${e.ENGINE_HOST}:${e.ENGINE_PORT}/engine-rest`,
      user: e.ENGINE_ADMIN_USER,
      password: localSecret(e.DATA_DIR, 'engine-admin-password', e.ENGINE_ADMIN_PASSWORD),
    },
    sessionSecret: localSecret(e.DATA_DIR, 'session-secret', e.SESSION_SECRET),
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    secureCookies: e.SECURE_COOKIES,
    chromiumPath: e.CHROMIUM_PATH,
    pdfPagePool: e.PDF_PAGE_POOL,
    demoData: e.DEMO_DATA,
    logLevel: e.LOG_LEVEL,
    workerId: e.WORKER_ID ?? `worker-${process.pid}`,
    sms: {
      gatewayUrl: e.SMS_GATEWAY_URL,
      appId: e.SMS_APP_ID,
      appSecret: localSecret(e.DATA_DIR, 'sms-app-secret', e.SMS_APP_SECRET),
      sandboxPort: e.SMS_SANDBOX_PORT,
    },
    ywtb: {
      baseUrl: e.YWTB_BASE_URL,
      clientId: e.YWTB_CLIENT_ID,
      clientSecret: localSecret(e.DATA_DIR, 'ywtb-client-secret', e.YWTB_CLIENT_SECRET),
      publicKey: e.YWTB_PUBLIC_KEY?.toLowerCase(),
      issuer: e.YWTB_ISSUER,
      redirectUri: e.YWTB_REDIRECT_URI,
      sandboxPort: e.YWTB_SANDBOX_PORT,
    },
  };
}
