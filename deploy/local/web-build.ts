import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../api/src/config';
import { StartupError } from './startup-error';

const webDir = path.join(repoRoot, 'web');
const distDir = path.join(webDir, 'dist');
const hashFile = path.join(distDir, '.build-hash');
const inputs = [path.join(webDir, 'src'), path.join(webDir, 'index.html'), path.join(webDir, 'vite.config.ts'), path.join(repoRoot, 'api', 'src', 'contracts')];

function hashInputs(): string {
  const hash = crypto.createHash('sha256');
  const visit = (p: string): void => {
    if (!fs.existsSync(p)) return;
    const stat = fs.statSync(p);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(p).sort()) visit(path.join(p, name));
    } else {
      hash.update(path.relative(repoRoot, p)).update(fs.readFileSync(p));
    }
  };
  inputs.forEach(visit);
  return hash.digest('hex');
}

/** Builds the console with Vite unless the build in web/dist is of the current sources. */
export async function ensureWebBuild(log: (msg: string) => void): Promise<string> {
  const hash = hashInputs();
  if (fs.existsSync(hashFile) && fs.readFileSync(hashFile, 'utf8') === hash) return distDir;
  log('building the web console (Vite)');
  // In a child process, so that the bundler's memory is returned once it is done.
  const vite = path.join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js');
  const child = spawn(process.execPath, [vite, 'build', '--config', path.join(webDir, 'vite.config.ts'), '--logLevel', 'warn'], { cwd: repoRoot, stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve, reject) => child.once('error', reject).once('exit', resolve));
  if (code !== 0) throw new StartupError('web', `the console build failed (exit ${String(code)})`);
  fs.writeFileSync(hashFile, hash);
  return distDir;
}

// `npm run build:web`: the same build, recorded so that `npm start` does not repeat it.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  ensureWebBuild((msg) => process.stdout.write(`${msg}\n`)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
