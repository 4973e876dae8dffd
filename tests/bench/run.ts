import os from 'node:os';
import { benchmarkDocumentRendering } from './document-rendering.bench';
import { benchmarkFieldCrypto } from './crypto.bench';
import { benchmarkPayments } from './payments.bench';
import { benchmarkInbox } from './inbox.bench';

/** `npm run bench`: every benchmark, one JSON report on stdout. Targets are checked here, never in timed tests. */
const report = {
  machine: { cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  fieldCrypto: await benchmarkFieldCrypto(),
  documentRendering: await benchmarkDocumentRendering(),
  payments: await benchmarkPayments({ payments: Number(process.env.BENCH_PAYMENTS ?? 1000) }),
  inbox: await benchmarkInbox({ tasks: Number(process.env.BENCH_INBOX_TASKS ?? 10000) }),
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
