import { startPaymentSandbox } from '../../api/src/integrations/payment/sandbox/payment-sandbox';

// The payment platform sandbox in a process of its own, so that the benchmark can tell its CPU time from ours.
// Env: MERCHANT_ID, MERCHANT_PUBLIC_KEY. Prints `{"url":…,"publicKey":…}` once listening; stops on SIGTERM.
const sandbox = await startPaymentSandbox({
  port: 0,
  host: '127.0.0.1',
  merchants: [{ merchantId: process.env.MERCHANT_ID!, publicKey: process.env.MERCHANT_PUBLIC_KEY! }],
  latencyMs: 0,
  callbackBackoffMs: [50, 100, 200, 400, 800, 1600],
});
process.stdout.write(`${JSON.stringify({ url: sandbox.url, publicKey: sandbox.publicKey })}\n`);
process.on('SIGTERM', () => void sandbox.close().then(() => process.exit(0)));
