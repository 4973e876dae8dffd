import { spawn, type ChildProcess } from 'node:child_process';
import type http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { loadConfig, localSecret, repoRoot } from '../../api/src/config';
import { createDb, type Db } from '../../api/src/db/knex';
import { jdbcFromUrl, prepareDatabase } from '../../api/src/bootstrap';
import { EngineClient } from '../../api/src/engine/engine-client';
import { ModelRejectedError, ProcessDeploymentService } from '../../api/src/modules/processes/process-deployment.service';
import { storedFormsModelChecker } from '../../api/src/modules/task-forms/stored-forms-model-checker';
import { composeServices } from '../../api/src/composition';
import { startApiServer, type RunningApi } from '../../api/src/server';
import { DEMO_PASSWORD, demoAccounts } from '../../api/src/auth/seed';
import { startEmbeddedPostgres, type RunningPostgres } from './postgres';
import { startEngine, ensureEngineJar, type RunningEngine } from './engine';
import { ensureWebBuild } from './web-build';
import { Keyring } from '../../api/src/security/keyring';
import { createSecurityServices } from '../../api/src/security/security-services';
import { StartupError, assertPortFree } from './startup-error';
import { SmsGateway } from '../../api/src/integrations/sms/sms-gateway';
import { sandboxUrl, startSmsSandbox, stopSmsSandbox } from '../../api/src/integrations/sms/sandbox/sms-sandbox';
import { YwtbIdentity } from '../../api/src/integrations/ywtb/ywtb-identity';
import { startYwtbSandbox, type YwtbSandbox } from '../../api/src/integrations/ywtb/sandbox/ywtb-sandbox';
import { startPaymentSandbox, type PaymentSandbox } from '../../api/src/integrations/payment/sandbox/payment-sandbox';
import { startEReceiptSandbox, type EReceiptSandbox } from '../../api/src/integrations/ereceipt/sandbox/ereceipt-sandbox';
import { paymentDeps } from '../../api/src/integrations/payment/payment-setup';
import { startSuishenbanSandbox, type SuishenbanSandbox } from '../../api/src/integrations/suishenban/sandbox/suishenban-sandbox';
import { startCourierSandbox, type CourierSandbox } from '../../api/src/integrations/courier/sandbox/courier-sandbox';
import { courierDeps } from '../../api/src/integrations/courier/courier-setup';

/**
 * `npm start`: embedded PostgreSQL (unless DATABASE_URL is set) → migrations → engine → process
 * deployment → workers → API and console. Stops every child on SIGINT/SIGTERM; a component that
 * cannot start is named and the command exits non-zero without leaving processes behind.
 */
const config = loadConfig();
const log = pino({ name: 'start', level: config.logLevel });
const say = (msg: string) => log.info(msg);
const began = Date.now();

let postgres: RunningPostgres | undefined;
let engine: RunningEngine | undefined;
let workers: ChildProcess | undefined;
let api: RunningApi | undefined;
let smsSandbox: http.Server | undefined;
let ywtbSandbox: YwtbSandbox | undefined;
let paymentSandbox: PaymentSandbox | undefined;
let suishenbanSandbox: SuishenbanSandbox | undefined;
let courierSandbox: CourierSandbox | undefined;
let eReceiptSandbox: EReceiptSandbox | undefined;
let db: Db | undefined;
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (stopping) process.exit(code);
  stopping = true;
  say('stopping');
  await api?.close().catch((err) => log.warn({ err }, 'api close failed'));
  if (workers && workers.exitCode === null) {
    const exited = new Promise((r) => workers!.once('exit', r));
    workers.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (workers.exitCode === null) workers.kill('SIGKILL');
  }
  await db?.destroy().catch(() => undefined);
  if (smsSandbox) await stopSmsSandbox(smsSandbox).catch((err) => log.warn({ err }, 'sms sandbox stop failed'));
  if (ywtbSandbox) await ywtbSandbox.close().catch((err) => log.warn({ err }, 'ywtb sandbox stop failed'));
  if (courierSandbox) await courierSandbox.close().catch((err) => log.warn({ err }, 'courier sandbox stop failed'));
  if (suishenbanSandbox) await suishenbanSandbox.close().catch((err) => log.warn({ err }, 'suishenban sandbox stop failed'));
  if (paymentSandbox) await paymentSandbox.close().catch((err) => log.warn({ err }, 'payment sandbox stop failed'));
  if (eReceiptSandbox) await eReceiptSandbox.close().catch((err) => log.warn({ err }, 'e-receipt sandbox stop failed'));
  await engine?.stop().catch((err) => log.warn({ err }, 'engine stop failed'));
  await postgres?.stop().catch((err) => log.warn({ err }, 'postgres stop failed'));
  process.exit(code);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

async function main(): Promise<void> {
  fs.mkdirSync(config.dataDir, { recursive: true });
  await assertPortFree('api', config.host, config.port);
  // Sandboxes of external platforms run on their own ports from 3100 when no real endpoint is configured.
  if (!config.sms.gatewayUrl) await assertPortFree('sms-sandbox', '127.0.0.1', config.sms.sandboxPort);
  if (!config.ywtb.baseUrl) await assertPortFree('ywtb-sandbox', '127.0.0.1', config.ywtb.sandboxPort);
  if (config.ywtb.baseUrl && !config.ywtb.publicKey) throw new StartupError('ywtb', 'YWTB_BASE_URL needs YWTB_PUBLIC_KEY (the platform\'s SM2 public key, hex)');
  if (!config.courier.baseUrl) await assertPortFree('courier-sandbox', '127.0.0.1', config.courier.sandboxPort);
  if (config.courier.baseUrl && !config.courier.publicKey) throw new StartupError('courier', "COURIER_BASE_URL needs COURIER_PUBLIC_KEY (the platform's SM2 public key, hex)");
  if (!config.suishenban.baseUrl) await assertPortFree('suishenban-sandbox', '127.0.0.1', config.suishenban.sandboxPort);
  if (!config.payment.baseUrl) await assertPortFree('payment-sandbox', '127.0.0.1', config.payment.sandboxPort);
  if (!config.ereceipt.baseUrl) await assertPortFree('ereceipt-sandbox', '127.0.0.1', config.ereceipt.sandboxPort);
  if (config.payment.baseUrl && !config.payment.publicKey) throw new StartupError('payment', 'PAYMENT_BASE_URL needs PAYMENT_PUBLIC_KEY (the platform\'s SM2 public key, hex)');
  if (config.ereceipt.baseUrl && !config.ereceipt.publicKey) throw new StartupError('ereceipt', 'ERECEIPT_BASE_URL needs ERECEIPT_PUBLIC_KEY (the platform\'s SM2 public key, hex)');
  if (!fs.existsSync(config.chromiumPath)) {
    throw new StartupError('chromium', `Chromium not found at ${config.chromiumPath}: apt-get install chromium, or set CHROMIUM_PATH`);
  }

  // Slow, independent preparations run side by side.
  const jarReady = ensureEngineJar(say);
  const webReady = ensureWebBuild(say);
  jarReady.catch(() => undefined);
  webReady.catch(() => undefined);

  let appUrl = config.databaseUrl;
  let engineUrl = config.engineDatabaseUrl;
  if (!appUrl || !engineUrl) {
    if (appUrl || engineUrl) throw new StartupError('postgres', 'set both DATABASE_URL and ENGINE_DATABASE_URL, or neither');
    postgres = await startEmbeddedPostgres({
      dataDir: path.join(config.dataDir, 'pg'),
      port: config.pgPort,
      user: 'postgres',
      password: localSecret(config.dataDir, 'postgres-password', process.env.PGPASSWORD),
      databases: ['bpm_engine', 'bpm_app'],
      log: say,
    });
    appUrl = postgres.url('bpm_app');
    engineUrl = postgres.url('bpm_engine');
    say(`embedded PostgreSQL on 127.0.0.1:${config.pgPort}`);
  }
  db = createDb(appUrl);
  const security = createSecurityServices(db, Keyring.fromEnv({ ...process.env, DATA_DIR: config.dataDir }));
  await prepareDatabase(db, security, { demoData: config.demoData });

  await jarReady;
  const engineDb = jdbcFromUrl(engineUrl);
  engine = await startEngine(
    {
      host: config.engine.host,
      port: config.engine.port,
      jdbcUrl: engineDb.jdbcUrl,
      dbUser: engineDb.user,
      dbPassword: engineDb.password,
      adminUser: config.engine.user,
      adminPassword: config.engine.password,
      logFile: path.join(config.dataDir, 'engine.log'),
    },
    say,
  );
  const engineClient = new EngineClient(engine.baseUrl, config.engine.user, config.engine.password);
  // The designer's model check first: a model it refuses stops the start, naming the file and element.
  const deployed = await new ProcessDeploymentService(engineClient, storedFormsModelChecker(db))
    .deployDirectory()
    .catch((err: unknown) => {
      throw err instanceof ModelRejectedError ? new StartupError('processes', err.message) : err;
    });
  say(deployed.newVersions.length ? `deployed ${deployed.newVersions.map((v) => `${v.key} v${v.version}`).join(', ')}` : 'process models unchanged');

  let smsUrl = config.sms.gatewayUrl;
  if (!smsUrl) {
    smsSandbox = await startSmsSandbox({ port: config.sms.sandboxPort, host: '127.0.0.1', appId: config.sms.appId, appSecret: config.sms.appSecret }).catch((err: unknown) => {
      throw new StartupError('sms-sandbox', `cannot start on 127.0.0.1:${config.sms.sandboxPort}: ${err instanceof Error ? err.message : String(err)}`);
    });
    smsUrl = sandboxUrl(smsSandbox);
    say(`SMS sandbox on ${smsUrl}`);
  }
  const sms = new SmsGateway({ baseUrl: smsUrl, appId: config.sms.appId, appSecret: config.sms.appSecret });

  // 随申办 push: the workers' notify step pushes through it (SMS when the person has no 随申办).
  let suishenbanUrl = config.suishenban.baseUrl;
  if (!suishenbanUrl) {
    suishenbanSandbox = await startSuishenbanSandbox({
      port: config.suishenban.sandboxPort,
      host: '127.0.0.1',
      appId: config.suishenban.appId,
      appSecret: config.suishenban.appSecret,
      // Demo: every 一网通办 identity has 随申办; password accounts get SMS.
      acceptAnyUser: true,
      stateFile: path.join(config.dataDir, 'sandbox', 'suishenban.json'),
    }).catch((err: unknown) => {
      throw new StartupError('suishenban-sandbox', `cannot start on 127.0.0.1:${config.suishenban.sandboxPort}: ${err instanceof Error ? err.message : String(err)}`);
    });
    suishenbanUrl = suishenbanSandbox.url;
    say(`随申办 sandbox on ${suishenbanUrl}`);
  }

  // The payment platforms come before the workers, which take payments too.
  let paymentUrl = config.payment.baseUrl;
  let paymentPublicKey = config.payment.publicKey;
  if (!paymentUrl) {
    paymentSandbox = await startPaymentSandbox({
      port: config.payment.sandboxPort,
      host: '127.0.0.1',
      stateFile: path.join(config.dataDir, 'sandbox', 'payment.json'),
      merchants: [{ merchantId: config.payment.merchantId, publicKey: security.sm2.publicKeyHex(config.payment.merchantKeyName), name: '上海市应急管理局' }],
    }).catch((err: unknown) => {
      throw new StartupError('payment-sandbox', `cannot start on 127.0.0.1:${config.payment.sandboxPort}: ${err instanceof Error ? err.message : String(err)}`);
    });
    paymentUrl = paymentSandbox.url;
    paymentPublicKey = paymentSandbox.publicKey;
    say(`payment sandbox on ${paymentUrl}`);
  }
  let eReceiptUrl = config.ereceipt.baseUrl;
  let eReceiptPublicKey = config.ereceipt.publicKey;
  if (!eReceiptUrl) {
    eReceiptSandbox = await startEReceiptSandbox({
      port: config.ereceipt.sandboxPort,
      host: '127.0.0.1',
      appId: config.ereceipt.appId,
      appSecret: config.ereceipt.appSecret,
      stateFile: path.join(config.dataDir, 'sandbox', 'ereceipt.json'),
    }).catch((err: unknown) => {
      throw new StartupError('ereceipt-sandbox', `cannot start on 127.0.0.1:${config.ereceipt.sandboxPort}: ${err instanceof Error ? err.message : String(err)}`);
    });
    eReceiptUrl = eReceiptSandbox.url;
    eReceiptPublicKey = eReceiptSandbox.publicKey;
    say(`e-receipt sandbox on ${eReceiptUrl}`);
  }
  const paymentEndpoints = { paymentUrl, paymentPublicKey: paymentPublicKey!, eReceiptUrl, eReceiptPublicKey: eReceiptPublicKey! };
  const payment = paymentDeps(config, security.sm2, paymentEndpoints);

  // 一网通办 express module: the workers' courier-order step asks it for waybills.
  let courierUrl = config.courier.baseUrl;
  let courierPublicKey = config.courier.publicKey;
  if (!courierUrl) {
    courierSandbox = await startCourierSandbox({
      port: config.courier.sandboxPort,
      host: '127.0.0.1',
      apps: [{ appId: config.courier.appId, appSecret: config.courier.appSecret }],
      stateFile: path.join(config.dataDir, 'sandbox', 'courier.json'),
    }).catch((err: unknown) => {
      throw new StartupError('courier-sandbox', `cannot start on 127.0.0.1:${config.courier.sandboxPort}: ${err instanceof Error ? err.message : String(err)}`);
    });
    courierUrl = courierSandbox.url;
    courierPublicKey = courierSandbox.publicKey;
    say(`courier sandbox on ${courierUrl}`);
  }
  const courier = courierDeps(config, security.sm2, { baseUrl: courierUrl, publicKey: courierPublicKey! });
  // The same services as the API's and the workers' (the configured payment query cycle included).
  const services = composeServices({ db, engine: engineClient, security, log: pino({ name: 'start', level: 'warn' }), paymentQueryCycle: config.payment.queryCycle, courier });
  const resumed = await services.registrations.resumeUnstartedCases();
  if (resumed) say(`started the cases of ${resumed} registration(s) left without one`);
  await services.deliveries.resumeUnstartedDeliveries();

  const workerId = `workers-${process.pid}`;
  workers = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'workers', 'src', 'main.ts')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      DATABASE_URL: appUrl,
      ENGINE_REST_URL: engine.baseUrl,
      ENGINE_ADMIN_PASSWORD: config.engine.password,
      WORKER_ID: workerId,
      PAYMENT_BASE_URL: paymentEndpoints.paymentUrl,
      PAYMENT_PUBLIC_KEY: paymentEndpoints.paymentPublicKey,
      ERECEIPT_BASE_URL: paymentEndpoints.eReceiptUrl,
      ERECEIPT_PUBLIC_KEY: paymentEndpoints.eReceiptPublicKey,
      SUISHENBAN_BASE_URL: suishenbanUrl,
      COURIER_BASE_URL: courierUrl,
      COURIER_PUBLIC_KEY: courierPublicKey!,
      SMS_GATEWAY_URL: smsUrl,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  workers.once('exit', (code, signal) => {
    if (!stopping) {
      log.error({ code, signal }, 'workers exited unexpectedly');
      void stopAll(1);
    }
  });

  await waitForHeartbeat(db, workerId);

  let ywtbUrl = config.ywtb.baseUrl;
  let ywtbPublicKey = config.ywtb.publicKey;
  if (!ywtbUrl) {
    // The sandbox accepts our callback on any loopback port (RFC 8252 §7.3), and YWTB_REDIRECT_URI when set.
    const redirectUris = [`http://127.0.0.1/api/auth/ywtb/callback`, `http://localhost/api/auth/ywtb/callback`, ...(config.ywtb.redirectUri ? [config.ywtb.redirectUri] : [])];
    ywtbSandbox = await startYwtbSandbox({
      port: config.ywtb.sandboxPort,
      host: '127.0.0.1',
      clients: [{ clientId: config.ywtb.clientId, clientSecret: config.ywtb.clientSecret, redirectUris }],
    }).catch((err: unknown) => {
      throw new StartupError('ywtb-sandbox', `cannot start on 127.0.0.1:${config.ywtb.sandboxPort}: ${err instanceof Error ? err.message : String(err)}`);
    });
    ywtbUrl = ywtbSandbox.url;
    // As a client of the real platform would: the signing key from the published key endpoint.
    ywtbPublicKey = await YwtbIdentity.fetchPublicKey(ywtbUrl);
    say(`一网通办 sandbox on ${ywtbUrl}`);
  }
  const ywtb = new YwtbIdentity({
    baseUrl: ywtbUrl,
    clientId: config.ywtb.clientId,
    clientSecret: config.ywtb.clientSecret,
    publicKey: ywtbPublicKey!,
    ...(config.ywtb.issuer ? { issuer: config.ywtb.issuer } : {}),
    sm2: security.sm2,
  });

  await webReady;
  api = await startApiServer({ config, databaseUrl: appUrl, db, engine: engineClient, security, log, sms, ywtb, payment, courier });

  const seconds = ((Date.now() - began) / 1000).toFixed(1);
  const accounts = config.demoData ? demoAccounts.map((a) => `    ${a.username.padEnd(14)} ${a.displayName}`).join('\n') : '';
  process.stdout.write(
    [
      '',
      `  上海市初级注册安全工程师管理子系统 is up (${seconds} s)`,
      `  Console:         ${api.url}/`,
      `  API health:      ${api.url}/api/health`,
      `  OpenAPI:         ${api.url}/api/openapi.json`,
      `  Engine Cockpit:  ${engine.cockpitUrl}  (user ${config.engine.user}, password in ${path.join(config.dataDir, 'secrets', 'engine-admin-password')})`,
      `  一网通办 entry:   ${api.url}/api/auth/ywtb/entry  (the link 一网通办 lists: sign-on, then the application form)`,
      ywtbSandbox ? `  一网通办 sandbox: ${ywtbUrl}  (sign-in page with test identities)` : `  一网通办:        ${ywtbUrl}`,
      smsSandbox ? `  SMS sandbox:     ${smsUrl}/v1/sandbox/messages?phone=…  (codes sent to phones)` : `  SMS platform:    ${smsUrl}`,
      suishenbanSandbox ? `  随申办 sandbox:   ${suishenbanUrl}/__sandbox/messages  (pushed messages)` : `  随申办:          ${suishenbanUrl}`,
      courierSandbox ? `  Courier sandbox: ${courierUrl}/__sandbox/waybills  (一网通办快递模块: waybills, tracking callbacks)` : `  Courier:         ${courierUrl}`,
      paymentSandbox ? `  Payment sandbox: ${paymentUrl}/__sandbox/orders  (公共支付平台: orders, cashier, callbacks)` : `  Payment:         ${paymentUrl}`,
      eReceiptSandbox ? `  E-receipts:      ${eReceiptUrl}/verify  (财政电子票据 sandbox: verification page)` : `  E-receipts:      ${eReceiptUrl}`,
      ...(config.demoData ? [`  Demo logins (password ${DEMO_PASSWORD}):`, accounts] : []),
      '  Ctrl-C stops everything.',
      '',
    ].join('\n') + '\n',
  );
}

/** The workers are up once their first heartbeat is in the database. */
async function waitForHeartbeat(database: Db, workerId: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await database('worker_heartbeats').where({ worker_id: workerId }).first())) {
    if (workers?.exitCode !== null) throw new StartupError('workers', 'the worker process exited during start-up (see its log above)');
    if (Date.now() > deadline) throw new StartupError('workers', `no heartbeat within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

main().catch(async (err) => {
  const message = err instanceof StartupError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`\nstart failed: ${message}\n`);
  await stopAll(1);
});

