import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StartupError, assertPortFree } from './startup-error';

/**
 * The workflow engine: a thin Spring Boot application running Operaton (deploy/engine), built once
 * with the Maven wrapper and run as `java -jar`. The REST API is served at /engine-rest and needs
 * HTTP Basic credentials of an engine user; Cockpit is served at /operaton/app/cockpit/.
 */

export interface EngineConfig {
  port: number;
  host: string;
  jdbcUrl: string;
  dbUser: string;
  dbPassword: string;
  adminUser: string;
  adminPassword: string;
  logFile: string;
  /** Extra JVM options, appended after the defaults (so they override them). */
  javaOptions?: string[];
}

export interface RunningEngine {
  /** http://host:port/engine-rest */
  baseUrl: string;
  cockpitUrl: string;
  pid: number;
  stop(): Promise<void>;
}

export const ENGINE_DIR = fileURLToPath(new URL('../engine/', import.meta.url));
export const ENGINE_JAR = path.join(ENGINE_DIR, 'target', 'bpm-engine.jar');
const HASH_FILE = path.join(ENGINE_DIR, 'target', '.build-hash');
const LOCK_FILE = path.join(ENGINE_DIR, 'target', '.build-lock');

/**
 * Defaults that keep the idle engine small (about 250 MiB RSS measured): a bounded heap, the serial
 * collector, C1 only, small thread stacks and a capped metaspace and code cache.
 */
export const DEFAULT_JAVA_OPTIONS: readonly string[] = [
  '-Xms128m',
  '-Xmx384m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-Xss512k',
  '-XX:MaxMetaspaceSize=192m',
  '-XX:ReservedCodeCacheSize=64m',
  '-XX:+ExitOnOutOfMemoryError',
  '-Dfile.encoding=UTF-8',
];

const HEALTH_INTERVAL_MS = 500;
const HEALTH_TIMEOUT_MS = 180_000;
const STOP_GRACE_MS = 20_000;
const BUILD_LOCK_WAIT_MS = 15 * 60_000;

function engineError(message: string): StartupError {
  return new StartupError('engine', message);
}

function javaCommand(): string {
  const home = process.env.JAVA_HOME;
  return home ? path.join(home, 'bin', process.platform === 'win32' ? 'java.exe' : 'java') : 'java';
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Runs a command, collecting stdout and stderr together (the last `keepBytes` of them). */
function run(command: string, args: string[], cwd: string, keepBytes = 64 * 1024): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(command, args, { cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (output.length > keepBytes * 2) output = output.slice(-keepBytes);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, output }));
  });
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split(/\r?\n/).slice(-count).join('\n');
}

/** Java 17 or newer must be on the PATH (or under JAVA_HOME); returns its version line. */
async function checkJava(): Promise<string> {
  const java = javaCommand();
  let result: RunResult;
  try {
    result = await run(java, ['-version'], ENGINE_DIR);
  } catch (err) {
    throw engineError(
      `Java was not found (${java}: ${err instanceof Error ? err.message : String(err)}). ` +
        'Install a Java 17+ runtime (e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME.',
    );
  }
  if (result.code !== 0) {
    throw engineError(`"${java} -version" failed (exit ${String(result.code)}):\n${lastLines(result.output, 10)}`);
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(result.output);
  const major = match ? (match[1] === '1' ? Number(match[2]) : Number(match[1])) : NaN;
  if (!(major >= 17)) {
    throw engineError(
      `Java 17 or newer is required, found: ${result.output.split('\n')[0] ?? 'unknown'}. Set JAVA_HOME to a Java 17+ runtime.`,
    );
  }
  return result.output.split('\n')[0]?.trim() ?? '';
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** SHA-256 over the build inputs: pom.xml, src/** and .mvn/** (paths and contents). */
export function engineSourceHash(): string {
  const files = [
    path.join(ENGINE_DIR, 'pom.xml'),
    ...listFiles(path.join(ENGINE_DIR, 'src')),
    ...listFiles(path.join(ENGINE_DIR, '.mvn')),
  ]
    .map((f) => path.relative(ENGINE_DIR, f).split(path.sep).join('/'))
    .sort();
  const hash = crypto.createHash('sha256');
  for (const rel of files) {
    const content = fs.readFileSync(path.join(ENGINE_DIR, rel));
    hash.update(`${rel}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest('hex');
}

function readBuildHash(): string | undefined {
  try {
    return fs.readFileSync(HASH_FILE, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function isUpToDate(hash: string): boolean {
  return fs.existsSync(ENGINE_JAR) && readBuildHash() === hash;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock file in target/ so that two processes (e.g. parallel test files) never build at once. */
async function withBuildLock<T>(log: (msg: string) => void, body: () => Promise<T>): Promise<T> {
  fs.mkdirSync(path.dirname(LOCK_FILE), { recursive: true });
  const deadline = Date.now() + BUILD_LOCK_WAIT_MS;
  let told = false;
  for (;;) {
    try {
      fs.writeFileSync(LOCK_FILE, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number.parseInt(fs.readFileSync(LOCK_FILE, 'utf8'), 10);
      if (!Number.isInteger(holder) || holder === process.pid || !pidAlive(holder)) {
        fs.rmSync(LOCK_FILE, { force: true }); // stale: its owner is gone
        continue;
      }
      if (Date.now() > deadline) {
        throw engineError(`another process (pid ${holder}) has been building the engine for too long; remove ${LOCK_FILE} if it is stale`);
      }
      if (!told) log(`waiting for the engine build of process ${holder}`);
      told = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await body();
  } finally {
    fs.rmSync(LOCK_FILE, { force: true });
  }
}

/**
 * Returns the path of the engine jar, building it with the Maven wrapper only when the jar is
 * missing or pom.xml, src/ or .mvn/ changed since the last build (hash in target/.build-hash).
 */
export async function ensureEngineJar(log: (msg: string) => void): Promise<string> {
  if (isUpToDate(engineSourceHash())) return ENGINE_JAR;
  const javaVersion = await checkJava();

  return withBuildLock(log, async () => {
    const hash = engineSourceHash();
    if (isUpToDate(hash)) return ENGINE_JAR; // built by another process while we waited

    log(`building the engine (${javaVersion}; the first build downloads Maven and dependencies)`);
    const started = Date.now();
    // `sh mvnw` rather than `./mvnw`: works even when the checkout lost the executable bit.
    const result = await run('sh', [path.join(ENGINE_DIR, 'mvnw'), '-q', '-B', '-DskipTests', 'package'], ENGINE_DIR).catch(
      (err: unknown) => {
        throw engineError(`could not run the Maven wrapper: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
    if (result.code !== 0 || !fs.existsSync(ENGINE_JAR)) {
      fs.rmSync(HASH_FILE, { force: true });
      throw engineError(
        `Maven build of deploy/engine failed (exit ${String(result.code ?? result.signal)}). ` +
          'If the output mentions resolving or downloading artifacts, the Maven repository may be unreachable ' +
          '(check network/proxy settings or ~/.m2/settings.xml). Last lines of the build output:\n' +
          lastLines(result.output, 30),
      );
    }
    fs.writeFileSync(HASH_FILE, `${hash}\n`);
    log(`engine built in ${((Date.now() - started) / 1000).toFixed(1)} s: ${ENGINE_JAR}`);
    return ENGINE_JAR;
  });
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** Text this run appended to the log file, last `count` lines. */
function logTail(file: string, fromOffset: number, count = 40): string {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const start = Math.max(fromOffset, size - 64 * 1024);
      const buf = Buffer.alloc(Math.max(0, size - start));
      fs.readSync(fd, buf, 0, buf.length, start);
      // Stack frames hide the cause; keep the message lines ("Caused by: ...").
      const text = lastLines(
        buf
          .toString('utf8')
          .split(/\r?\n/)
          .filter((line) => !/^\s+(at |\.\.\. \d+ (common frames omitted|more))/.test(line))
          .join('\n'),
        count,
      );
      return text ? `\n--- last lines of ${file} ---\n${text}` : ` (nothing in ${file})`;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

/** Resident set size of a process in MiB (Linux only), undefined elsewhere. */
export function rssMiB(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb ? Math.round(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Starts the engine jar (building it first if needed) and resolves once the REST API answers
 * `GET /engine` with the admin credentials. The child is never detached and is killed when this
 * process exits or is terminated by a signal.
 */
export async function startEngine(cfg: EngineConfig, log: (msg: string) => void): Promise<RunningEngine> {
  if (!/^[A-Za-z0-9]+$/.test(cfg.adminUser)) {
    // The engine accepts only letters and digits in user ids (generalResourceWhitelistPattern).
    throw engineError(`invalid engine admin user id "${cfg.adminUser}": use letters and digits only`);
  }
  await assertPortFree('engine', cfg.host, cfg.port);
  const jar = await ensureEngineJar(log);

  const origin = `http://${urlHost(cfg.host)}:${cfg.port}`;
  const baseUrl = `${origin}/engine-rest`;
  const cockpitUrl = `${origin}/operaton/app/cockpit/`;
  const authorization = `Basic ${Buffer.from(`${cfg.adminUser}:${cfg.adminPassword}`, 'utf8').toString('base64')}`;

  fs.mkdirSync(path.dirname(path.resolve(cfg.logFile)), { recursive: true });
  const logOffset = fs.existsSync(cfg.logFile) ? fs.statSync(cfg.logFile).size : 0;
  const logFd = fs.openSync(cfg.logFile, 'a');
  fs.writeSync(logFd, `\n=== engine starting ${new Date().toISOString()} on ${cfg.host}:${cfg.port} ===\n`);

  const args = [...DEFAULT_JAVA_OPTIONS, ...(cfg.javaOptions ?? []), '-jar', jar];
  const started = Date.now();
  let child: ChildProcess;
  try {
    child = spawn(javaCommand(), args, {
      cwd: ENGINE_DIR,
      detached: false,
      stdio: ['ignore', logFd, logFd],
      // Secrets travel in the environment, not on the command line (visible in `ps`).
      env: {
        ...process.env,
        ENGINE_HOST: cfg.host,
        ENGINE_PORT: String(cfg.port),
        ENGINE_JDBC_URL: cfg.jdbcUrl,
        ENGINE_DB_USER: cfg.dbUser,
        ENGINE_DB_PASSWORD: cfg.dbPassword,
        ENGINE_ADMIN_USER: cfg.adminUser,
        ENGINE_ADMIN_PASSWORD: cfg.adminPassword,
      },
    });
  } finally {
    fs.closeSync(logFd); // the child holds its own copy
  }

  let exited = false;
  let ready = false;
  let stopping = false;
  let exitInfo = '';
  let spawnError: Error | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      exitInfo = signal ? `signal ${signal}` : `exit code ${String(code)}`;
      resolve();
    });
    child.once('error', (err) => {
      // e.g. ENOENT: java is not installed; no 'exit' follows.
      spawnError = err;
      exited = true;
      resolve();
    });
  });

  // Never leave the JVM behind: kill it when this process exits or is told to terminate.
  const onExit = (): void => {
    if (!exited) child.kill('SIGTERM');
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!exited) child.kill('SIGTERM');
    if (process.listenerCount(signal) <= 1) {
      // Ours is the only handler: keep Node's default behaviour of terminating on the signal.
      detachHandlers();
      process.kill(process.pid, signal);
    }
  };
  const detachHandlers = (): void => {
    process.removeListener('exit', onExit);
    for (const s of SIGNALS) process.removeListener(s, onSignal);
  };
  process.on('exit', onExit);
  for (const s of SIGNALS) process.on(s, onSignal);
  void exitPromise.then(() => {
    detachHandlers();
    if (ready && !stopping) log(`engine (pid ${String(child.pid)}) stopped unexpectedly (${exitInfo}); see ${cfg.logFile}`);
  });

  const stop = async (): Promise<void> => {
    stopping = true;
    if (!exited) {
      child.kill('SIGTERM');
      const graceful = await Promise.race([
        exitPromise.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), STOP_GRACE_MS).unref()),
      ]);
      if (!graceful && !exited) {
        log(`engine did not stop within ${STOP_GRACE_MS / 1000} s; killing it`);
        child.kill('SIGKILL');
        await exitPromise;
      }
    }
    detachHandlers();
  };

  const fail = async (message: string): Promise<never> => {
    await stop();
    throw engineError(`${message}${logTail(cfg.logFile, logOffset)}`);
  };

  // Health check: GET /engine-rest/engine with the admin credentials every 500 ms.
  const deadline = started + HEALTH_TIMEOUT_MS;
  for (;;) {
    if (spawnError) {
      const reason = (spawnError as Error).message;
      return fail(`could not start ${javaCommand()}: ${reason}. Install Java 17+ or set JAVA_HOME.`);
    }
    if (exited) return fail(`the engine exited during startup (${exitInfo})`);
    let status = 0;
    try {
      const res = await fetch(`${baseUrl}/engine`, {
        headers: { authorization, accept: 'application/json' },
        signal: AbortSignal.timeout(5000),
      });
      status = res.status;
      await res.body?.cancel();
    } catch {
      status = 0; // not listening yet
    }
    if (status === 200) break;
    if (status === 401) {
      return fail(
        `the engine rejected the admin credentials (HTTP 401) for user "${cfg.adminUser}". The admin user is ` +
          'created only on the first start against an empty database; if ENGINE_ADMIN_PASSWORD changed since, ' +
          'reset it in Admin or use the original one. Repeated failures lock the user for a while.',
      );
    }
    if (Date.now() > deadline) return fail(`the engine did not become ready within ${HEALTH_TIMEOUT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, HEALTH_INTERVAL_MS));
  }
  ready = true;

  const pid = child.pid ?? -1;
  const rss = rssMiB(pid);
  log(
    `engine ready in ${((Date.now() - started) / 1000).toFixed(1)} s at ${baseUrl} ` +
      `(pid ${pid}${rss === undefined ? '' : `, RSS ${rss} MiB`}); Cockpit: ${cockpitUrl}`,
  );
  return { baseUrl, cockpitUrl, pid, stop };
}
