import fs from 'node:fs';
import path from 'node:path';
import { jdbcFromUrl, prepareDatabase } from '../../api/src/bootstrap';
import { repoRoot } from '../../api/src/config';
import { createDb, type Db } from '../../api/src/db/knex';
import { EngineClient } from '../../api/src/engine/engine-client';
import { Keyring } from '../../api/src/security/keyring';
import { createSecurityServices, type SecurityServices } from '../../api/src/security/security-services';
import { ensureEngineJar, startEngine, type RunningEngine } from '../../deploy/local/engine';
import { ensureDatabases, startEmbeddedPostgres, type RunningPostgres } from '../../deploy/local/postgres';

/** A benchmark's own PostgreSQL (fresh `bench_app` with demo data, `bench_engine`) and engine. */
export interface BenchEnvironment {
  dataDir: string;
  postgres: RunningPostgres;
  databaseUrl: string;
  db: Db;
  security: SecurityServices;
  engine: RunningEngine;
  engineClient: EngineClient;
  /** Stops the engine and PostgreSQL and removes the data (the caller closes what it started on top). */
  stop(): Promise<void>;
}

/** Starts it under `.data/<name>` (like the test harness: the embedded server's own user must reach it). */
export async function startBenchEnvironment(options: {
  name: string;
  pgPort: number;
  enginePort: number;
  log: (msg: string) => void;
  engineTimeoutMs?: number;
}): Promise<BenchEnvironment> {
  const { log } = options;
  const dataDir = path.join(repoRoot, '.data', options.name);
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port: options.pgPort, user: 'postgres', password: 'bench', databases: [], log });
  await ensureDatabases(postgres.url('postgres'), ['bench_app', 'bench_engine']);
  const databaseUrl = postgres.url('bench_app');
  const db = createDb(databaseUrl, 20);
  const security = createSecurityServices(db, Keyring.open(path.join(dataDir, 'keys')));
  await prepareDatabase(db, security, { demoData: true });
  await ensureEngineJar(log);
  const engineDb = jdbcFromUrl(postgres.url('bench_engine'));
  const engine = await startEngine(
    { host: '127.0.0.1', port: options.enginePort, jdbcUrl: engineDb.jdbcUrl, dbUser: engineDb.user, dbPassword: engineDb.password, adminUser: 'operaton', adminPassword: 'bench-password', logFile: path.join(dataDir, 'engine.log') },
    log,
  );
  const engineClient = new EngineClient(engine.baseUrl, 'operaton', 'bench-password', options.engineTimeoutMs);
  return {
    dataDir,
    postgres,
    databaseUrl,
    db,
    security,
    engine,
    engineClient,
    stop: async () => {
      await db.destroy();
      await engine.stop();
      await postgres.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
