import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../api/src/config';

/** `npm start` as a user runs it (signals go to the npm process), on ports and a data folder of its own. */
const dataDir = path.join(process.env.TEST_DATA_DIR ?? path.join(repoRoot, '.data', 'test'), 'start');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Free ports for everything `npm start` listens on, so it runs beside another start and the tests. */
async function freePorts(): Promise<Record<string, string>> {
  const names = ['PORT', 'ENGINE_PORT', 'PGPORT', 'SMS_SANDBOX_PORT', 'YWTB_SANDBOX_PORT', 'PAYMENT_SANDBOX_PORT', 'ERECEIPT_SANDBOX_PORT', 'SUISHENBAN_SANDBOX_PORT', 'COURIER_SANDBOX_PORT'];
  const ports: Record<string, string> = {};
  // Distinct ports: a port is drawn again only if it differs from those drawn before.
  while (Object.keys(ports).length < names.length) {
    const port = String(await freePort());
    if (!Object.values(ports).includes(port)) ports[names[Object.keys(ports).length]!] = port;
  }
  return ports;
}

/** Every process below `pid`. */
function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map((s) => Number(s.trim())).filter(Boolean);
  } catch {
    return [];
  }
  return children.flatMap((c) => [c, ...descendants(c)]);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>): Started {
  let out = '';
  const child = spawn('npm', ['start', '--silent'], {
    cwd: repoRoot,
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitFor(started: Started, text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!started.output().includes(text)) {
    if (started.child.exitCode !== null) throw new Error(`npm start exited ${started.child.exitCode}:\n${started.output()}`);
    if (Date.now() > deadline) throw new Error(`no "${text}" after ${timeoutMs} ms:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const running: Started[] = [];
afterAll(async () => {
  // A failed test still shuts its start down the way a user would, so nothing outlives the run.
  for (const s of running.filter((r) => r.child.exitCode === null)) {
    s.child.kill('SIGTERM');
    await Promise.race([s.exited, new Promise((r) => setTimeout(r, 40_000))]);
  }
});

describe('npm start', () => {
  it('brings everything up with health 200, stops every child on SIGTERM, and a second start reuses the data', async () => {
    const ports = await freePorts();
    const first = start(ports);
    running.push(first);
    await waitFor(first, 'Ctrl-C stops everything', 240_000);
    expect(first.output()).toContain(`Console:         http://127.0.0.1:${ports.PORT}/`);
    expect(first.output()).toContain('/operaton/app/cockpit/');
    expect(first.output()).toContain('reviewer1');

    const health = await fetch(`http://127.0.0.1:${ports.PORT}/api/health`);
    const body = await health.json();
    expect(health.status, JSON.stringify(body)).toBe(200);
    expect((await fetch(`http://127.0.0.1:${ports.PORT}/login`)).headers.get('content-type')).toContain('text/html');

    const children = descendants(first.child.pid!);
    expect(children.length).toBeGreaterThanOrEqual(3); // postgres, java, workers
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    // Helper processes (e.g. the TypeScript loader's) end when their parent's pipes close.
    await expect.poll(() => children.filter(alive), { timeout: 10_000 }).toEqual([]);

    const second = start(ports);
    running.push(second);
    await waitFor(second, 'Ctrl-C stops everything', 240_000);
    expect(second.output()).toContain('process models unchanged');
    expect(second.output()).not.toContain('initialising embedded PostgreSQL');
    expect((await fetch(`http://127.0.0.1:${ports.PORT}/api/health`)).status).toBe(200);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  }, 600_000);

  it.each([
    ['chromium', { CHROMIUM_PATH: '/nonexistent/chromium' }, 'Chromium not found at /nonexistent/chromium'],
    ['engine', { JAVA_HOME: '/nonexistent/jdk' }, 'Java'],
  ])('names a missing %s, exits non-zero and stops what it had started', async (component, env, message) => {
    const s = start({ ...(await freePorts()), ...env });
    running.push(s);
    let seen: number[] = [];
    const watcher = setInterval(() => (seen = [...new Set([...seen, ...descendants(s.child.pid!)])]), 200);
    const code = await s.exited;
    clearInterval(watcher);
    expect(code).toBe(1);
    expect(s.output()).toContain(`start failed: [${component}]`);
    expect(s.output()).toContain(message);
    await expect.poll(() => seen.filter(alive), { timeout: 10_000 }).toEqual([]);
  }, 120_000);

  it('names the component that cannot start, exits non-zero and leaves no process behind', async () => {
    const blocker = net.createServer();
    const port = await freePort();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    try {
      const s = start({ ...(await freePorts()), PORT: String(port) });
      running.push(s);
      expect(await s.exited).toBe(1);
      expect(s.output()).toContain(`start failed: [api] 端口 127.0.0.1:${port} 已被占用`);
      expect(descendants(s.child.pid!)).toEqual([]);
    } finally {
      blocker.close();
    }
  }, 60_000);
});

