import path from 'node:path';
import fs from 'node:fs';
import pino from 'pino';
import type { TestProject } from 'vitest/node';
import { repoRoot } from '../../api/src/config';
import { createDb, type Db } from '../../api/src/db/knex';
import { jdbcFromUrl, prepareDatabase } from '../../api/src/bootstrap';
import { EngineClient } from '../../api/src/engine/engine-client';
import { ProcessDeploymentService } from '../../api/src/modules/processes/process-deployment.service';
import { storedFormsModelChecker } from '../../api/src/modules/task-forms/stored-forms-model-checker';
import { startEmbeddedPostgres, ensureDatabases, type RunningPostgres } from '../../deploy/local/postgres';
import { startEngine, type RunningEngine } from '../../deploy/local/engine';
import { startWorkers, type RunningWorkers } from '../../workers/src/worker-process';
import type { TestEnv } from '../support/test-env';
import { Keyring } from '../../api/src/security/keyring';
import { createSecurityServices } from '../../api/src/security/security-services';
import { sandboxUrl, startSmsSandbox, stopSmsSandbox } from '../../api/src/integrations/sms/sandbox/sms-sandbox';
import { startYwtbSandbox } from '../../api/src/integrations/ywtb/sandbox/ywtb-sandbox';
import { startPaymentSandbox } from '../../api/src/integrations/payment/sandbox/payment-sandbox';
import { startEReceiptSandbox } from '../../api/src/integrations/ereceipt/sandbox/ereceipt-sandbox';
import { mountPaymentCallback } from '../../api/src/modules/payments/payment.routes';
import { PaymentService } from '../../api/src/modules/payments/payment.service';
import { testPaymentDeps, type PaymentTestEnv } from '../support/payment-env';
import express from 'express';
import { startSuishenbanSandbox } from '../../api/src/integrations/suishenban/sandbox/suishenban-sandbox';
import { SuishenbanPush } from '../../api/src/integrations/suishenban/suishenban-push';
import { SmsGateway } from '../../api/src/integrations/sms/sms-gateway';
import http from 'node:http';
import { RegistrationPayable } from '../../api/src/modules/registration/registration.payable';
import { RegistrationRepository } from '../../api/src/modules/registration/registration.repository';

declare module 'vitest' {
  export interface ProvidedContext {
    testEnv: TestEnv;
  }
}

const TEST_APP_DB = 'bpm_app_test';
const TEST_ENGINE_DB = 'bpm_engine_test';

/**
 * Starts PostgreSQL, the engine and the workers once for the whole test run, on their own ports
 * and fresh databases, so a running `npm start` is not disturbed. Two runs at once need their own
 * TEST_PGPORT, TEST_ENGINE_PORT, TEST_SMS_PORT, TEST_YWTB_PORT and TEST_DATA_DIR.
 * TEST_DATABASE_ADMIN_URL points at an external PostgreSQL instead of the embedded one.
 */
interface RunningTestEnvironment {
  testEnv: TestEnv;
  stop: () => Promise<void>;
}

/**
 * The integration projects share one environment: vitest calls each project's global setup, and the
 * exclusive project (tests that change shared flows, run after the others) must see the same engine
 * and database. The first call starts it; the last teardown stops it.
 */
const shared = globalThis as typeof globalThis & { bpmTestEnvironment?: { started: Promise<RunningTestEnvironment>; users: number } };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  shared.bpmTestEnvironment ??= { started: startTestEnvironment(), users: 0 };
  const environment = shared.bpmTestEnvironment;
  environment.users += 1;
  const { testEnv, stop } = await environment.started;
  project.provide('testEnv', testEnv);
  return async () => {
    environment.users -= 1;
    if (environment.users === 0) {
      shared.bpmTestEnvironment = undefined;
      await stop();
    }
  };
}

async function startTestEnvironment(): Promise<RunningTestEnvironment> {
  const dataDir = process.env.TEST_DATA_DIR ?? path.join(repoRoot, '.data', 'test');
  fs.mkdirSync(dataDir, { recursive: true });
  const log = (msg: string) => process.stderr.write(`[test setup] ${msg}\n`);
  const pgPort = Number(process.env.TEST_PGPORT ?? 54330);
  const enginePort = Number(process.env.TEST_ENGINE_PORT ?? 8089);
  const smsPort = Number(process.env.TEST_SMS_PORT ?? 3191);
  const smsAppId = 'test-sms-app';
  const smsAppSecret = 'test-sms-secret-test-sms-secret';
  const smsSandbox = await startSmsSandbox({ port: smsPort, host: '127.0.0.1', appId: smsAppId, appSecret: smsAppSecret, latencyMs: 10 });
  const ywtbPort = Number(process.env.TEST_YWTB_PORT ?? 3192);
  const ywtbClientId = 'test-ywtb-client';
  const ywtbClientSecret = 'test-ywtb-secret-test-ywtb-secret';
  // Test apps listen on ephemeral loopback ports: the sandbox ignores the port of loopback redirect URIs.
  const ywtbSandbox = await startYwtbSandbox({
    port: ywtbPort,
    host: '127.0.0.1',
    clients: [{ clientId: ywtbClientId, clientSecret: ywtbClientSecret, redirectUris: ['http://127.0.0.1/api/auth/ywtb/callback'] }],
    latencyMs: 5,
  });

  let postgres: RunningPostgres | undefined;
  let adminUrl = process.env.TEST_DATABASE_ADMIN_URL;
  if (!adminUrl) {
    postgres = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port: pgPort, user: 'postgres', password: 'test', databases: [], log });
    adminUrl = postgres.url('postgres');
  }
  const urlFor = (db: string) => {
    const u = new URL(adminUrl!);
    u.pathname = `/${db}`;
    return u.toString();
  };
  await dropDatabases(adminUrl, [TEST_APP_DB, TEST_ENGINE_DB]);
  await ensureDatabases(adminUrl, [TEST_APP_DB, TEST_ENGINE_DB]);

  const db: Db = createDb(urlFor(TEST_APP_DB), 5);
  const keyringDir = path.join(dataDir, 'keys');
  const security = createSecurityServices(db, Keyring.open(keyringDir));
  await prepareDatabase(db, security, { demoData: true });

  const engineDb = jdbcFromUrl(urlFor(TEST_ENGINE_DB));
  const engineUser = 'operaton';
  const enginePassword = 'test-engine-password';
  const engine: RunningEngine = await startEngine(
    {
      host: '127.0.0.1',
      port: enginePort,
      jdbcUrl: engineDb.jdbcUrl,
      dbUser: engineDb.user,
      dbPassword: engineDb.password,
      adminUser: engineUser,
      adminPassword: enginePassword,
      logFile: path.join(dataDir, 'engine.log'),
    },
    log,
  );
  const engineClient = new EngineClient(engine.baseUrl, engineUser, enginePassword);
  await new ProcessDeploymentService(engineClient, storedFormsModelChecker(db)).deployDirectory();

  // 公共支付平台 and 财政电子票据 sandboxes on ephemeral ports; our callback route is served here,
  // by the same code the API mounts, so the sandbox's signed callbacks reach the run's database.
  const paymentSandbox = await startPaymentSandbox({
    port: 0,
    host: '127.0.0.1',
    merchants: [{ merchantId: 'test-merchant', publicKey: security.sm2.publicKeyHex('payment-merchant') }],
    latencyMs: 5,
    callbackBackoffMs: [50, 100, 200, 400, 800],
  });
  const eReceiptSandbox = await startEReceiptSandbox({ port: 0, host: '127.0.0.1', appId: 'test-ereceipt-app', appSecret: 'test-ereceipt-secret-test-ereceipt', latencyMs: 5 });
  const suishenbanAppId = 'test-suishenban-app';
  const suishenbanAppSecret = 'test-suishenban-secret-test-suishenban';
  const suishenbanSandbox = await startSuishenbanSandbox({ port: 0, host: '127.0.0.1', appId: suishenbanAppId, appSecret: suishenbanAppSecret, latencyMs: 5 });
  const callbackApp = express();
  const callbackServer = http.createServer(callbackApp);
  await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
  const paymentEnv: PaymentTestEnv = {
    paymentBaseUrl: paymentSandbox.url,
    paymentPublicKey: paymentSandbox.publicKey,
    paymentMerchantId: 'test-merchant',
    paymentNotifyUrl: `http://127.0.0.1:${(callbackServer.address() as { port: number }).port}/api/payments/callback`,
    eReceiptBaseUrl: eReceiptSandbox.url,
    eReceiptPublicKey: eReceiptSandbox.publicKey,
    eReceiptAppId: 'test-ereceipt-app',
    eReceiptAppSecret: 'test-ereceipt-secret-test-ereceipt',
  };
  const payment = testPaymentDeps(paymentEnv, security.sm2);
  mountPaymentCallback(callbackApp, payment.platform, new PaymentService(db, engineClient, payment.platform, payment.receipts, payment, [new RegistrationPayable(db, new RegistrationRepository(db, security))]), pino({ level: 'warn' }));

  const workers: RunningWorkers = startWorkers({
    db,
    engineRestUrl: engine.baseUrl,
    engineUser,
    enginePassword,
    workerId: 'test-workers',
    security,
    log: pino({ level: 'warn' }),
    asyncResponseTimeoutMs: 2_000,
    integrations: {
      payment,
      notify: {
        suishenban: new SuishenbanPush({ baseUrl: suishenbanSandbox.url, appId: suishenbanAppId, appSecret: suishenbanAppSecret }),
        sms: new SmsGateway({ baseUrl: sandboxUrl(smsSandbox), appId: smsAppId, appSecret: smsAppSecret }),
        publicBaseUrl: 'http://127.0.0.1',
      },
    },
  });

  const testEnv: TestEnv = {
    databaseUrl: urlFor(TEST_APP_DB),
    engineRestUrl: engine.baseUrl,
    engineUser,
    enginePassword,
    dataDir,
    keyringDir,
    smsGatewayUrl: sandboxUrl(smsSandbox),
    smsAppId,
    smsAppSecret,
    ywtbBaseUrl: ywtbSandbox.url,
    ywtbClientId,
    ywtbClientSecret,
    ywtbPublicKey: ywtbSandbox.publicKey,
    ...paymentEnv,
    suishenbanBaseUrl: suishenbanSandbox.url,
    suishenbanAppId,
    suishenbanAppSecret,
  };
  const stop = async () => {
    await workers.stop();
    await db.destroy();
    await engine.stop();
    await postgres?.stop();
    await stopSmsSandbox(smsSandbox);
    await ywtbSandbox.close();
    await new Promise((resolve) => callbackServer.close(resolve));
    await paymentSandbox.close();
    await suishenbanSandbox.close();
    await eReceiptSandbox.close();
  };
  return { testEnv, stop };
}

async function dropDatabases(adminUrl: string, names: string[]): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const name of names) await client.query(`drop database if exists ${name} with (force)`);
  } finally {
    await client.end();
  }
}
