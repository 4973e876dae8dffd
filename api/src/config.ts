import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { shanghaiDistricts } from './contracts/registration';

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
  /** 上海市公共支付平台; unset: `npm start` runs its sandbox on PAYMENT_SANDBOX_PORT. */
  PAYMENT_BASE_URL: z.string().url().optional(),
  PAYMENT_MERCHANT_ID: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default('bpm-safety-engineer'),
  /** The platform's SM2 public key (`04` + 128 hex); required with PAYMENT_BASE_URL, read from the sandbox otherwise. */
  PAYMENT_PUBLIC_KEY: z.string().regex(/^04[0-9a-fA-F]{128}$/).optional(),
  /** Our payment callback URL as the platform reaches it; default derived from the API's address. */
  PAYMENT_NOTIFY_URL: z.string().url().optional(),
  PAYMENT_SANDBOX_PORT: z.coerce.number().int().positive().default(3103),
  /** How often a case waiting for payment asks the platform when no callback came (ISO 8601 repeating interval). */
  PAYMENT_QUERY_CYCLE: z.string().regex(/^R\d*\/P/).default('R/PT2M'),
  /** The console's address as payers' browsers reach it (return from the cashier); default http://localhost:PORT. */
  PUBLIC_BASE_URL: z.string().url().optional(),
  /** 上海市财政电子票据 platform; unset: `npm start` runs its sandbox on ERECEIPT_SANDBOX_PORT. */
  ERECEIPT_BASE_URL: z.string().url().optional(),
  ERECEIPT_APP_ID: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default('bpm-safety-engineer'),
  ERECEIPT_APP_SECRET: z.string().min(16).optional(),
  /** The platform's SM2 public key of the fiscal signature; required with ERECEIPT_BASE_URL, read from the sandbox otherwise. */
  ERECEIPT_PUBLIC_KEY: z.string().regex(/^04[0-9a-fA-F]{128}$/).optional(),
  ERECEIPT_SANDBOX_PORT: z.coerce.number().int().positive().default(3104),
  /** 一网通办 express module (快递模块); unset: `npm start` runs its sandbox on COURIER_SANDBOX_PORT. */
  COURIER_BASE_URL: z.string().url().optional(),
  COURIER_APP_ID: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default('bpm-safety-engineer'),
  COURIER_APP_SECRET: z.string().min(16).optional(),
  /** The platform's SM2 public key (`04` + 128 hex); required with COURIER_BASE_URL, read from the sandbox otherwise. */
  COURIER_PUBLIC_KEY: z.string().regex(/^04[0-9a-fA-F]{128}$/).optional(),
  /** Our tracking callback URL as the platform reaches it; default http://HOST:PORT/api/courier/callback. */
  COURIER_NOTIFY_URL: z.string().url().optional(),
  /** The issuing office's return address printed on waybills (寄件人). */
  COURIER_SENDER_PHONE: z.string().regex(/^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/).default('021-12345678'),
  COURIER_SENDER_DISTRICT: z.enum(shanghaiDistricts).default('黄浦区'),
  COURIER_SENDER_ADDRESS: z.string().min(5).max(100).default('证照发放窗口（寄件地址请以COURIER_SENDER_ADDRESS配置）'),
  COURIER_SANDBOX_PORT: z.coerce.number().int().positive().default(3106),
  /** 随申办 message push; unset: `npm start` runs its sandbox on SUISHENBAN_SANDBOX_PORT. */
  SUISHENBAN_BASE_URL: z.string().url().optional(),
  SUISHENBAN_APP_ID: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default('bpm-safety-engineer'),
  SUISHENBAN_APP_SECRET: z.string().min(16).optional(),
  SUISHENBAN_SANDBOX_PORT: z.coerce.number().int().positive().default(3105),
});

export interface AppConfig {
  host: string;
  port: number;
  /** The console's address as browsers reach it. */
  publicBaseUrl: string;
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
  payment: {
    /** Undefined: no real platform configured (start.ts then runs the sandbox). */
    baseUrl: string | undefined;
    merchantId: string;
    /** The keyring's SM2 pair our requests are signed with; its public key is registered with the platform. */
    merchantKeyName: string;
    publicKey: string | undefined;
    notifyUrl: string | undefined;
    sandboxPort: number;
    queryCycle: string;
  };
  ereceipt: {
    /** Undefined: no real platform configured (start.ts then runs the sandbox). */
    baseUrl: string | undefined;
    appId: string;
    appSecret: string;
    publicKey: string | undefined;
    sandboxPort: number;
  };
  courier: {
    /** Undefined: no real platform configured (start.ts then runs the sandbox). */
    baseUrl: string | undefined;
    appId: string;
    appSecret: string;
    publicKey: string | undefined;
    notifyUrl: string;
    /** The issuing office's return address (its name comes with the document). */
    sender: { phone: string; district: string; address: string };
    sandboxPort: number;
  };
  suishenban: {
    /** Undefined: no real platform configured (start.ts then runs the sandbox). */
    baseUrl: string | undefined;
    appId: string;
    appSecret: string;
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
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
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
    payment: {
      baseUrl: e.PAYMENT_BASE_URL,
      merchantId: e.PAYMENT_MERCHANT_ID,
      merchantKeyName: 'payment-merchant',
      publicKey: e.PAYMENT_PUBLIC_KEY?.toLowerCase(),
      notifyUrl: e.PAYMENT_NOTIFY_URL,
      sandboxPort: e.PAYMENT_SANDBOX_PORT,
      queryCycle: e.PAYMENT_QUERY_CYCLE,
    },
    ereceipt: {
      baseUrl: e.ERECEIPT_BASE_URL,
      appId: e.ERECEIPT_APP_ID,
      appSecret: localSecret(e.DATA_DIR, 'ereceipt-app-secret', e.ERECEIPT_APP_SECRET),
      publicKey: e.ERECEIPT_PUBLIC_KEY?.toLowerCase(),
      sandboxPort: e.ERECEIPT_SANDBOX_PORT,
    },
    courier: {
      baseUrl: e.COURIER_BASE_URL,
      appId: e.COURIER_APP_ID,
      appSecret: localSecret(e.DATA_DIR, 'courier-app-secret', e.COURIER_APP_SECRET),
      publicKey: e.COURIER_PUBLIC_KEY?.toLowerCase(),
      notifyUrl: e.COURIER_NOTIFY_URL ?? `http://${e.HOST}:${e.PORT}/api/courier/callback`,
      sender: { phone: e.COURIER_SENDER_PHONE, district: e.COURIER_SENDER_DISTRICT, address: e.COURIER_SENDER_ADDRESS },
      sandboxPort: e.COURIER_SANDBOX_PORT,
    },
    suishenban: {
      baseUrl: e.SUISHENBAN_BASE_URL,
      appId: e.SUISHENBAN_APP_ID,
      appSecret: localSecret(e.DATA_DIR, 'suishenban-app-secret', e.SUISHENBAN_APP_SECRET),
      sandboxPort: e.SUISHENBAN_SANDBOX_PORT,
    },
  };
}
