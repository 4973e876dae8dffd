import pino from 'pino';
import { loadConfig } from '../../api/src/config';
import { createDb } from '../../api/src/db/knex';
import { startWorkers } from './worker-process';
import { Keyring } from '../../api/src/security/keyring';
import { createSecurityServices } from '../../api/src/security/security-services';

/** The worker process: runs every topic handler until SIGINT/SIGTERM, then shuts down gracefully. */
const config = loadConfig();
const log = pino({ name: 'workers', level: config.logLevel });
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  log.fatal('DATABASE_URL is not set');
  process.exit(2);
}
const db = createDb(databaseUrl, 5);
const workers = startWorkers({
  security: createSecurityServices(db, Keyring.fromEnv({ ...process.env, DATA_DIR: config.dataDir })),
  db,
  engineRestUrl: config.engine.restUrl,
  engineUser: config.engine.user,
  enginePassword: config.engine.password,
  workerId: config.workerId,
  log,
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
