import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { inject } from 'vitest';
import { type LoginSecret, type LoginWireRequest } from '../../api/src/contracts/auth';
import { TRANSPORT_PREFIX, transportKey } from '../../api/src/contracts/security';
import { registrationEncryptedFields } from '../../api/src/contracts/registration';
import { phoneEncryptedFields } from '../../api/src/contracts/phone';
import { deliveryEncryptedFields } from '../../api/src/contracts/deliveries';
import type { CourierDeps } from '../../api/src/integrations/courier/courier-setup';
import { encryptLikeBrowser } from '../../api/src/security/sm2';
import pino from 'pino';
import supertest from 'supertest';
import { createApp, type BpmApp } from '../../api/src/app';
import type { CaseType } from '../../api/src/modules/cases/case-type';
import { createDb, type Db } from '../../api/src/db/knex';
import { EngineClient } from '../../api/src/engine/engine-client';
import { PdfRenderer } from '../../api/src/documents/pdf-renderer';
import { DocumentService } from '../../api/src/documents/document.service';
import { publishedTemplateSource } from '../../api/src/modules/templates/published-template-source';
import { DEMO_PASSWORD } from '../../api/src/auth/seed';
import { Keyring } from '../../api/src/security/keyring';
import { createSecurityServices, type SecurityServices } from '../../api/src/security/security-services';
import { CSRF_COOKIE, CSRF_HEADER } from '../../api/src/http/csrf';
import { SmsGateway } from '../../api/src/integrations/sms/sms-gateway';
import { YwtbIdentity } from '../../api/src/integrations/ywtb/ywtb-identity';
import { testPaymentDeps, type PaymentTestEnv } from './payment-env';

/** What the global setup started, handed to every test file. */
export interface TestEnv extends PaymentTestEnv {
  databaseUrl: string;
  engineRestUrl: string;
  engineUser: string;
  enginePassword: string;
  dataDir: string;
  /** The run's keys: the workers of the global setup and every test file share them. */
  keyringDir: string;
  /** The SMS sandbox of the run (TEST_SMS_PORT) and the credentials it accepts. */
  smsGatewayUrl: string;
  smsAppId: string;
  smsAppSecret: string;
  /** The 一网通办 sandbox of the run (TEST_YWTB_PORT), its registered client and its signing key. */
  ywtbBaseUrl: string;
  ywtbClientId: string;
  ywtbClientSecret: string;
  ywtbPublicKey: string;
  /** The 随申办 push sandbox of the run (ephemeral port) and the app credentials it accepts. */
  suishenbanBaseUrl: string;
  suishenbanAppId: string;
  suishenbanAppSecret: string;
}

export interface TestContext {
  env: TestEnv;
  db: Db;
  engine: EngineClient;
  app: BpmApp;
  renderer: PdfRenderer;
  security: SecurityServices;
  /** The adapter wired into `app`, talking to the run's SMS sandbox. */
  sms: SmsGateway;
  /** The 一网通办 adapter wired into `app`, talking to the run's sandbox. */
  ywtb: YwtbIdentity;
  close(): Promise<void>;
}

/** The real application against the run's database and engine; one per test file. */
export function createTestContext(
  options: {
    webDist?: string;
    ywtb?: YwtbIdentity;
    courier?: CourierDeps;
    /** Case types the test adds to the product's (a fixture flow). */
    extraCaseTypes?: (db: Db) => CaseType[];
    /** How often waiting cases ask the platform (default every 5 s); a test that needs a payment to stay unnoticed sets a long one. */
    paymentQueryCycle?: string;
  } = {},
): TestContext {
  const env = inject('testEnv');
  const db = createDb(env.databaseUrl, 5);
  const engine = new EngineClient(env.engineRestUrl, env.engineUser, env.enginePassword);
  const renderer = new PdfRenderer({ poolSize: 2 });
  const security = createSecurityServices(db, Keyring.open(env.keyringDir));
  const sms = new SmsGateway({ baseUrl: env.smsGatewayUrl, appId: env.smsAppId, appSecret: env.smsAppSecret });
  const ywtb =
    options.ywtb ??
    new YwtbIdentity({ baseUrl: env.ywtbBaseUrl, clientId: env.ywtbClientId, clientSecret: env.ywtbClientSecret, publicKey: env.ywtbPublicKey, sm2: security.sm2 });
  const app = createApp({
    // Cases waiting for payment ask the platform every 5 s (production: every 2 min).
    config: { sessionSecret: 'test-session-secret-test-session-secret', sessionIdleMinutes: 30, databaseUrl: env.databaseUrl, paymentQueryCycle: options.paymentQueryCycle ?? 'R/PT5S' },
    db,
    engine,
    documents: new DocumentService({ renderer, templates: publishedTemplateSource(db) }),
    security,
    sms,
    ywtb: { identity: ywtb },
    payment: testPaymentDeps(env, security.sm2),
    // The express module of a test file that needs one (G6): its own sandbox.
    ...(options.courier ? { courier: options.courier } : {}),
    ...(options.extraCaseTypes ? { extraCaseTypes: options.extraCaseTypes(db) } : {}),
    log: pino({ level: process.env.TEST_LOG ?? 'silent' }),
    // The built console, for tests that need the whole surface a browser sees.
    ...(options.webDist ? { webDist: options.webDist } : {}),
  });
  return {
    env,
    db,
    engine,
    app,
    renderer,
    security,
    sms,
    ywtb,
    close: async () => {
      await app.close();
      await renderer.close();
      await db.destroy();
    },
  };
}

/** The CSRF token cookie an agent holds (supertest serves the app on 127.0.0.1). */
export function csrfTokenOf(agent: supertest.Agent): string | undefined {
  return agent.jar.getCookie(CSRF_COOKIE, { domain: '127.0.0.1', path: '/', secure: false, script: true })?.value;
}

/** The calls whose personal fields the console SM2-encrypts, and those fields. */
function encryptedFieldsOf(method: string, url: string): readonly string[] | undefined {
  if (method === 'post' && (url === '/api/registrations' || url === '/api/registrations/check')) return registrationEncryptedFields;
  if (method === 'put' && /^\/api\/registrations\/BM[0-9A-Z]+$/.test(url)) return registrationEncryptedFields;
  if (method === 'post' && url === '/api/me/phone/code') return phoneEncryptedFields;
  if (method === 'post' && url === '/api/deliveries') return deliveryEncryptedFields;
  return undefined;
}

/**
 * A supertest agent that behaves like the console: it fetches the CSRF cookie first and echoes it in
 * `X-CSRF-Token` on every state-changing call (read at call time, so a renewed cookie is followed),
 * and SM2-encrypts the personal fields of an application and the phone to bind as the console does.
 * Not signed in; for anonymous calls that must pass the CSRF check (sign-in, 401 checks).
 */
export async function apiAgent(app: BpmApp): Promise<supertest.Agent> {
  const agent = supertest.agent(app.app);
  const res = await agent.get('/api/auth/csrf');
  if (res.status !== 204 || !csrfTokenOf(agent)) throw new Error(`no CSRF cookie from GET /api/auth/csrf: ${res.status}`);
  const { publicKey } = transportKey.parse((await agent.get('/api/security/transport-key')).body);
  for (const method of ['post', 'put', 'patch', 'delete', 'del'] as const) {
    const plain = agent[method].bind(agent);
    agent[method] = (url: string) => {
      const test = plain(url).set(CSRF_HEADER, csrfTokenOf(agent) ?? '');
      const fields = encryptedFieldsOf(method, url);
      if (!fields) return test;
      const send = test.send.bind(test);
      // A string body goes as it is (tests of a field sent in clear).
      test.send = (body?: string | object) => send(typeof body === 'object' && body !== null ? encryptForTransport(publicKey, body, fields) : body);
      return test;
    };
  }
  return agent;
}

/** The named fields as the console sends them: `sm2:` + C1C3C2 hex (values already in that form are left). */
export function encryptForTransport(publicKey: string, body: object, fields: readonly string[]): object {
  const out: Record<string, unknown> = { ...body };
  for (const field of fields) {
    const value = out[field];
    if (typeof value === 'string' && value !== '' && !value.startsWith(TRANSPORT_PREFIX)) out[field] = TRANSPORT_PREFIX + encryptLikeBrowser(publicKey, value);
  }
  return out;
}

/** The sign-in body as the console builds it: the password SM2-encrypted with a fresh nonce. */
export async function loginBody(agent: supertest.Agent, username: string, password: string, secret: Partial<LoginSecret> = {}): Promise<LoginWireRequest> {
  const { publicKey } = transportKey.parse((await agent.get('/api/security/transport-key')).body);
  const plain: LoginSecret = { password, nonce: crypto.randomBytes(16).toString('hex'), timestamp: Date.now(), ...secret };
  return { username, passwordCipher: encryptLikeBrowser(publicKey, JSON.stringify(plain)) };
}

/** A supertest agent signed in as a demo account (cookies kept across calls, CSRF header sent). */
export async function signIn(app: BpmApp, username: string, password = DEMO_PASSWORD): Promise<supertest.Agent> {
  const agent = await apiAgent(app);
  const res = await agent.post('/api/auth/login').send(await loginBody(agent, username, password));
  if (res.status !== 200) throw new Error(`sign-in of ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return agent;
}

/** Serves an app on an ephemeral loopback port (for browsers and raw HTTP clients). */
export async function listen(app: BpmApp): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server = http.createServer(app.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls until `probe` returns a value (workers and the engine act asynchronously). */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A valid GB 11643 ID number with the given 17-digit body (check character computed). */
export function idNumberFor(body17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(body17[i]), 0);
  return body17 + '10X98765432'[sum % 11];
}

let counter = 0;
/** The phone number new test candidates have bound (M08) and apply with. */
export const TEST_PHONE = '13812345678';

/** A light-background portrait that passes the photo rules (M09). */
export async function portraitJpeg(width = 600, height = 800, background = '#f4f6fa'): Promise<Buffer> {
  const sharp = (await import('sharp')).default;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="${background}"/>
    <ellipse cx="${width / 2}" cy="${height * 0.4}" rx="${width * 0.22}" ry="${height * 0.2}" fill="#c8957a"/>
    <rect x="${width * 0.2}" y="${height * 0.65}" width="${width * 0.6}" height="${height * 0.35}" fill="#2b3a55"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 95 }).toBuffer();
}

/**
 * A fresh candidate account for a test (unique per call), signed in, ready to apply for the demo exam:
 * guide confirmed (M10), phone bound (M08; written as the SMS verification writes it) and photo uploaded (M09).
 */
export async function newCandidate(
  ctx: TestContext,
  label: string,
  options: { confirmGuide?: boolean; bindPhone?: boolean; photo?: boolean } = {},
): Promise<{ agent: supertest.Agent; username: string }> {
  const { UserRepository } = await import('../../api/src/auth/user.repository');
  const { hashPassword } = await import('../../api/src/auth/password');
  const username = `t-${label}-${process.pid}-${++counter}-${Date.now() % 100000}`.slice(0, 60);
  await new UserRepository(ctx.db, ctx.security).upsertUser({ username, displayName: `测试${counter}`, kind: 'candidate', passwordHash: await hashPassword('Test@2026'), bureau: null }, ['candidate']);
  if (options.bindPhone !== false) {
    await ctx.db('users').where({ username }).update({
      bound_phone: ctx.security.cipher.encrypt(TEST_PHONE),
      bound_phone_idx: ctx.security.index('phone', TEST_PHONE),
      phone_bound_at: ctx.db.fn.now(),
    });
  }
  const agent = await signIn(ctx.app, username, 'Test@2026');
  if (options.confirmGuide !== false) await confirmGuide(agent, await demoExamId(ctx));
  if (options.photo !== false) {
    const res = await agent.post('/api/photos').set('content-type', 'image/jpeg').send(await portraitJpeg());
    if (res.status !== 201) throw new Error(`photo upload: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return { agent, username };
}

/** The demo exam: the first published exam (the one `validApplication` applies for). */
export async function demoExamId(ctx: TestContext): Promise<number> {
  const exam = await ctx.db('exams').where({ status: 'published' }).orderBy('id').first<{ id: number } | undefined>('id');
  if (!exam) throw new Error('no published exam');
  return exam.id;
}

/** Reads the exam's guide and confirms it, as the console does (M10); returns the confirmation. */
export async function confirmGuide(agent: supertest.Agent, examId: number): Promise<{ examId: number; version: string; confirmedAt: string }> {
  const guide = await agent.get(`/api/exams/${examId}/guide`);
  if (guide.status !== 200) throw new Error(`guide of exam ${examId}: ${guide.status} ${JSON.stringify(guide.body)}`);
  const res = await agent.post(`/api/exams/${examId}/guide/confirm`).send({ version: (guide.body as { version: string }).version });
  if (res.status !== 200) throw new Error(`confirming the guide of exam ${examId}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { examId: number; version: string; confirmedAt: string };
}

/** A valid ID number no other test uses (random birth date and sequence). */
export function uniqueIdNumber(): string {
  const year = 1960 + Math.floor(Math.random() * 28);
  const month = String(1 + Math.floor(Math.random() * 12)).padStart(2, '0');
  const day = String(1 + Math.floor(Math.random() * 28)).padStart(2, '0');
  const seq = String(Math.floor(Math.random() * 1000)).padStart(3, '0');
  return idNumberFor(`310101${year}${month}${day}${seq}`);
}

/**
 * A valid application for the demo exam (M15): 大专, 安全工程, in safety work since 2011, so it is
 * eligible and, being years-based, goes to a reviewer (DMN registration-review-routing).
 */
export async function validApplication(ctx: TestContext, overrides: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  return {
    examId: await demoExamId(ctx),
    levelCode: 'full',
    majorCode: 'chemical',
    subjectCode: null,
    certificateNo: null,
    certificateAttachmentId: null,
    fullName: '张测试',
    idNumber: uniqueIdNumber(),
    phone: TEST_PHONE,
    district: '浦东新区',
    employer: '上海某化工有限公司',
    educations: [
      { level: 'college', school: '上海应用技术学院', major: '安全工程', fullTime: true, startDate: '2008-09-01', graduationDate: '2011-07-01', certificateNo: '125401201105000123' },
    ],
    workPeriods: [{ employer: '上海某化工有限公司', post: '安全管理员', startDate: '2011-08-01', endDate: null, safetyWork: true }],
    commitmentAccepted: true,
    ...overrides,
  };
}
