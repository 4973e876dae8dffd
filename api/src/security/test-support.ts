import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Keyring } from './keyring';

/** A fresh keyring in a temporary directory, for unit tests and the benchmark. */
export function tempKeyring(): { keyring: Keyring; dir: string; cleanup(): void } {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bpm-keyring-')), 'keys');
  const keyring = Keyring.open(dir);
  return { keyring, dir, cleanup: () => fs.rmSync(path.dirname(dir), { recursive: true, force: true }) };
}
