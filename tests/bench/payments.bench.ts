import { startBenchEnvironment } from './bench-environment';
import fs from 'node:fs';
import http from 'node:http';
import { AsyncLocalStorage } from 'node:async_hooks';
import path from 'node:path';
import express from 'express';
import pino from 'pino';
import { repoRoot } from '../../api/src/config';
import { sandboxPay } from '../../api/src/integrations/payment/sandbox/payment-sandbox';
import { spawn, type ChildProcess } from 'node:child_process';
import { startEReceiptSandbox } from '../../api/src/integrations/ereceipt/sandbox/ereceipt-sandbox';
import { mountPaymentCallback } from '../../api/src/modules/payments/payment.routes';
import { PaymentService } from '../../api/src/modules/payments/payment.service';
import { RegistrationRepository } from '../../api/src/modules/registration/registration.repository';
import { createStandardExam } from '../../api/src/modules/exams/demo-exam';
import { testPaymentDeps } from '../support/payment-env';
import { PaymentPlatform } from '../../api/src/integrations/payment/payment-platform';
import { RegistrationPayable } from '../../api/src/modules/registration/registration.payable';

// `npm run bench` (payments): N payments end to end through the 公共支付平台 sandbox and its signed
// callbacks — order at the platform, pay, callback, verification, credit, message to the engine.

export interface PaymentBenchmarkResult {
  payments: number;
  concurrency: number;
  wallSeconds: number;
  paymentsPerSecond: number;
  /**
   * CPU seconds of each process during the run: ours (this process as API + workers, the engine,
   * PostgreSQL) against the sandbox's own process. Both sides do SM2 signing and verification
   * (pure-JS curve maths), which is what bounds throughput on 2 cores.
   */
  cpuSeconds: { apiAndWorkers: number; engine: number; postgres: number; sandbox: number };
  ourCpuShare: number;
  /** Summed wall times (concurrent calls overlap, so these exceed the run's wall time). */
  waitsMs: { ourOrderSteps: number; callbacks: number; sandboxAnswers: number; payCalls: number };
  credited: number;
}

const log = (msg: string) => process.stderr.write(`[bench payments] ${msg}\n`);

export async function benchmarkPayments(options: { payments?: number; concurrency?: number } = {}): Promise<PaymentBenchmarkResult> {
  const total = options.payments ?? 1000;
  const concurrency = options.concurrency ?? 16;
  const benchEnv = await startBenchEnvironment({
    name: 'bench-payments',
    pgPort: Number(process.env.BENCH_PGPORT ?? 54390),
    enginePort: Number(process.env.BENCH_ENGINE_PORT ?? 8190),
    log,
  });
  const { postgres, db, security, engine, engineClient } = benchEnv;

  const paymentSandbox = await startSandboxProcess('bench-merchant', security.sm2.publicKeyHex('payment-merchant'));
  const eReceiptSandbox = await startEReceiptSandbox({ port: 0, host: '127.0.0.1', appId: 'bench-app', appSecret: 'bench-secret-bench-secret-bench', latencyMs: 0 });
  const callbackApp = express();
  const callbackServer = http.createServer(callbackApp);
  await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
  const env = {
    paymentBaseUrl: paymentSandbox.url,
    paymentPublicKey: paymentSandbox.publicKey,
    paymentMerchantId: 'bench-merchant',
    paymentNotifyUrl: `http://127.0.0.1:${(callbackServer.address() as { port: number }).port}/api/payments/callback`,
    eReceiptBaseUrl: eReceiptSandbox.url,
    eReceiptPublicKey: eReceiptSandbox.publicKey,
    eReceiptAppId: 'bench-app',
    eReceiptAppSecret: 'bench-secret-bench-secret-bench',
  };
  const deps = testPaymentDeps(env, security.sm2);

  // Time spent waiting on the platform, measured at the adapter's HTTP calls and charged to the payment that made them.
  let sandboxMs = 0;
  const waits = new AsyncLocalStorage<{ ms: number }>();
  const timedFetch: typeof fetch = async (input, init) => {
    const started = performance.now();
    try {
      return await fetch(input, init);
    } finally {
      const ms = performance.now() - started;
      sandboxMs += ms;
      const slot = waits.getStore();
      if (slot) slot.ms += ms;
    }
  };
  const platform = new PaymentPlatform({
    baseUrl: env.paymentBaseUrl,
    merchantId: env.paymentMerchantId,
    merchantKeyName: 'payment-merchant',
    publicKey: env.paymentPublicKey,
    sm2: security.sm2,
    fetch: timedFetch,
  });
  const payments = new PaymentService(db, engineClient, platform, deps.receipts, deps, [new RegistrationPayable(db, new RegistrationRepository(db, security))]);
  let callbackMs = 0;
  const timedPayments = Object.create(payments) as PaymentService;
  timedPayments.acceptCallback = async (n) => {
    const started = performance.now();
    try {
      await payments.acceptCallback(n);
    } finally {
      callbackMs += performance.now() - started;
    }
  };
  mountPaymentCallback(callbackApp, platform, timedPayments, pino({ level: 'warn' }));

  try {
    const examId = await createStandardExam(db, { code: 'B1', name: '压测考试', shortName: '压测' });
    const registrations = new RegistrationRepository(db, security);
    log(`creating ${total} candidates with registrations awaiting payment`);
    const userIds = (await db('users')
      .insert(Array.from({ length: total }, (_, i) => ({ username: `bench-${i}`, display_name: '压测考生', kind: 'candidate' })))
      .returning<Array<{ id: number }>>('id')).map((r) => r.id);
    const numbers: string[] = [];
    for (let i = 0; i < total; i += 1) {
      const no = `BMB1${String(i + 1).padStart(6, '0')}`;
      const body = `310101198${i % 10}0101${String(i % 1000).padStart(3, '0')}`;
      await db.transaction((trx) =>
        registrations.insert(trx, {
          registration_no: no,
          exam_id: examId,
          user_id: userIds[i]!,
          level_code: 'full',
          major_code: 'chemical',
          full_name: '压测考生',
          id_number: body + checkChar(body),
          phone: '13800000000',
          employer: '上海压测单位',
          education: 'bachelor',
          education_major_related: true,
          safety_work_years: 5,
          status: 'approved',
          identity_type: 'mainland',
          gender: 'M',
          birth_date: '1980-01-01',
          district: '黄浦区',
          subject_codes: 'law,practice-chemical',
          fee_total_fen: 14000,
          safety_work_months: 60,
          photo_id: null,
          certificate_no: null,
          certificate_attachment_id: null,
          signed_at: new Date(),
        }),
      );
      numbers.push(no);
    }
    log('paying');
    const cpuBefore = { ours: process.cpuUsage(), engine: cpuSeconds(engine.pid), sandbox: cpuSeconds(paymentSandbox.pid), postgres: postgresCpuSeconds() };
    let ourOrderMs = 0;
    let payCallMs = 0;
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < numbers.length) {
          const no = numbers[next++]!;
          const slot = { ms: 0 };
          const t0 = performance.now();
          const order = await waits.run(slot, () => payments.createOrder({ caseType: 'exam-registration', businessKey: no }));
          ourOrderMs += performance.now() - t0 - slot.ms;
          const t1 = performance.now();
          await sandboxPay(env.paymentBaseUrl, order.merchantOrderNo);
          payCallMs += performance.now() - t1;
        }
      }),
    );
    // Every callback in: all credited.
    const deadline = Date.now() + 120_000;
    let credited = 0;
    while (Date.now() < deadline) {
      credited = Number((await db('payment_orders').where({ status: 'paid' }).count<Array<{ count: string }>>('* as count'))[0]!.count);
      if (credited >= total) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpuBefore.ours);
    const cpu = {
      apiAndWorkers: (used.user + used.system) / 1e6,
      engine: cpuSeconds(engine.pid) - cpuBefore.engine,
      postgres: postgresCpuSeconds() - cpuBefore.postgres,
      sandbox: cpuSeconds(paymentSandbox.pid) - cpuBefore.sandbox,
    };
    const oursCpu = cpu.apiAndWorkers + cpu.engine + cpu.postgres;
    const round = (n: number) => Math.round(n * 100) / 100;
    return {
      payments: total,
      concurrency,
      wallSeconds: Math.round(wallMs / 100) / 10,
      paymentsPerSecond: Math.round((credited / wallMs) * 1000 * 10) / 10,
      cpuSeconds: { apiAndWorkers: round(cpu.apiAndWorkers), engine: round(cpu.engine), postgres: round(cpu.postgres), sandbox: round(cpu.sandbox) },
      ourCpuShare: round(oursCpu / (oursCpu + cpu.sandbox)),
      waitsMs: { ourOrderSteps: Math.round(ourOrderMs), callbacks: Math.round(callbackMs), sandboxAnswers: Math.round(sandboxMs), payCalls: Math.round(payCallMs) },
      credited,
    };
  } finally {
    await new Promise((resolve) => callbackServer.close(resolve));
    await paymentSandbox.close();
    await eReceiptSandbox.close();
    await benchEnv.stop();
  }
}

/** user+system CPU seconds of a process, from /proc (Linux). */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Every postgres process of this machine (the bench's embedded server is the one busy during the run). */
function postgresCpuSeconds(): number {
  let sum = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') sum += cpuSeconds(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return sum;
}

async function startSandboxProcess(merchantId: string, merchantPublicKey: string): Promise<{ url: string; publicKey: string; pid: number; close(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'tests', 'bench', 'payment-sandbox-process.ts')], {
    cwd: repoRoot,
    env: { ...process.env, MERCHANT_ID: merchantId, MERCHANT_PUBLIC_KEY: merchantPublicKey },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const first = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n')[0];
      if (buffered.includes('\n') && line) resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`payment sandbox exited (${code})`)));
  });
  const { url, publicKey } = JSON.parse(first) as { url: string; publicKey: string };
  return {
    url,
    publicKey,
    pid: child.pid!,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function checkChar(body17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(body17[i]), 0);
  return '10X98765432'[sum % 11]!;
}
