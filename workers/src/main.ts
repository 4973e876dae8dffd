import pino from 'pino';
import { loadConfig } from '../../api/src/config';
import { createDb } from '../../api/src/db/knex';
import { startWorkers } from './worker-process';
import { Keyring } from '../../api/src/security/keyring';
import { createSecurityServices } from '../../api/src/security/security-services';
import { paymentDeps, paymentEndpointsFromEnv } from '../../api/src/integrations/payment/payment-setup';
import { notifyChannelsFromConfig } from '../../api/src/modules/notifications/notify-setup';
import { courierDeps, courierEndpointFromConfig } from '../../api/src/integrations/courier/courier-setup';

/** The worker process: runs every topic handler until SIGINT/SIGTERM, then shuts down gracefully. */
const config = loadConfig();
const log = pino({ name: 'workers', level: config.logLevel });
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  log.fatal('DATABASE_URL is not set');
  process.exit(2);
}
const db = createDb(databaseUrl, 5);
const security = createSecurityServices(db, Keyring.fromEnv({ ...process.env, DATA_DIR: config.dataDir }));
const paymentEndpoints = paymentEndpointsFromEnv(process.env);
if (!paymentEndpoints) log.warn('payment platforms not configured: payment steps stay with the engine until they are');
const notify = notifyChannelsFromConfig(config);
if (!notify) log.warn('随申办 push or SMS not configured (SUISHENBAN_BASE_URL, SMS_GATEWAY_URL): notify steps stay with the engine until they are');
const courierEndpoint = courierEndpointFromConfig(config);
if (!courierEndpoint) log.warn('express module not configured (COURIER_BASE_URL, COURIER_PUBLIC_KEY): courier-order steps stay with the engine until it is');
const workers = startWorkers({
  security,
  integrations: {
    ...(paymentEndpoints ? { payment: paymentDeps(config, security.sm2, paymentEndpoints) } : {}),
    ...(notify ? { notify } : {}),
    ...(courierEndpoint ? { courier: courierDeps(config, security.sm2, courierEndpoint) } : {}),
  },
  db,
  engineRestUrl: config.engine.restUrl,
  engineUser: config.engine.user,
  enginePassword: config.engine.password,
  workerId: config.workerId,
  log,
  autoAssignEveryMs: 60_000,
  paymentQueryCycle: config.payment.queryCycle,
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping workers');
  await workers.stop();
  await db.destroy();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
