import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { repoRoot } from '../config';
import { createDb, type Db } from '../db/knex';
import type { ChainAnchor, ChainProblemKind, ChainVerification } from './audit-chain';
import { AuditLog } from './audit-log';
import { FieldCipher } from './field-cipher';
import { Keyring } from './keyring';
import { formatRowKey } from './keyset';
import { findTampered, RecordSeal, type TamperScanResult } from './record-integrity';
import { reencryptTable, type EncryptedColumnsSpec, type ReencryptResult } from './reencrypt';
import { encryptedColumnSpecs, sealedTableSpecs } from './security-specs';
import { publicKeyToPem } from './sm2';

const USAGE = `用法 / usage: npx tsx api/src/security/cli.ts <command> [options]

  init-keys                     生成缺少的密钥 / create missing keys (KEYRING_DIR or DATA_DIR/keys)
  keys                          列出密钥版本 / list key versions and SM2 key names (no key material)
  public-key <name>             输出 SM2 公钥 PEM / print an SM2 public key as PEM
  rotate-data-key [--no-activate]   新建数据密钥版本 / add an SM4 data key version
  rotate-mac-key [--no-activate]    新建完整性密钥版本 / add a MAC key version
  activate <dek|mac> <version>  启用密钥版本 / make a key version active
  reencrypt [table:key[,key]:col[,col] ...] [--batch 500] [--encrypt-plaintext]
                                用当前数据密钥重新加密 / re-encrypt under the active data key
                                (default: the specs in security-specs.ts)
  verify-audit [--anchor <id>:<hash>] [--batch 2000]
                                校验审计日志哈希链 / verify the audit log hash chain
  verify-integrity [--batch 1000]
                                校验记录完整性 / verify record seals (security-specs.ts)

Database: DATABASE_URL, else the embedded server (PGPORT, DATA_DIR/secrets/postgres-password).
Exit status: 0 ok, 1 problems found, 2 usage or configuration error.`;

class UsageError extends Error {}

/** DATABASE_URL, or the embedded server's bpm_app with the password `npm start` generated. */
export function databaseUrlFromEnv(env: NodeJS.ProcessEnv): string {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  const file = path.join(env.DATA_DIR ?? path.join(repoRoot, '.data'), 'secrets', 'postgres-password');
  const password = env.PGPASSWORD ?? (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined);
  if (!password) throw new UsageError(`未设置 DATABASE_URL，也找不到内置数据库密码 / DATABASE_URL is not set and ${file} does not exist`);
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${env.PGPORT ?? '54320'}/bpm_app`;
}

/** `registrations:id:id_number,phone` or `user_roles:user_id,role_code:...`. */
export function parseSpecArg(arg: string, encryptPlaintext: boolean): EncryptedColumnsSpec {
  const [table, keys, columns, ...rest] = arg.split(':');
  const name = /^[a-z_][a-z0-9_]*$/;
  const list = (text: string | undefined): string[] => (text ?? '').split(',').filter((c) => c.length > 0);
  const keyColumns = list(keys);
  const valueColumns = list(columns);
  if (!table || !name.test(table) || rest.length > 0 || keyColumns.length === 0 || valueColumns.length === 0 || ![...keyColumns, ...valueColumns].every((c) => name.test(c))) {
    throw new UsageError(`无效的表说明 / invalid spec "${arg}": expected table:key[,key]:column[,column]`);
  }
  return { table, keyColumn: keyColumns.length === 1 ? (keyColumns[0] as string) : keyColumns, columns: valueColumns, encryptPlaintext };
}

export function parseAnchor(arg: string): ChainAnchor {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(arg);
  if (!match?.[1] || !match[2]) throw new UsageError(`无效的锚点 / invalid anchor "${arg}": expected <id>:<64 hex digits>`);
  return { id: Number(match[1]), hash: match[2] };
}

const PROBLEM_LABELS: Record<ChainProblemKind, string> = {
  edited: '记录被修改 / edited',
  'deleted-before': '之前的记录被删除 / deleted before',
  inserted: '记录被插入 / inserted',
  'broken-link': '链接断裂 / broken link',
  'missing-tail': '末尾记录被删除 / tail deleted',
};

export function auditReport(result: ChainVerification): string[] {
  const head = result.head ? `#${result.head.id} ${result.head.hash}` : '(空 / empty)';
  const lines = [
    result.ok ? '审计日志哈希链完整 / audit chain intact' : `审计日志哈希链发现 ${result.problems.length} 处问题 / audit chain has ${result.problems.length} problem(s)`,
    `  已检查 / checked: ${result.checked} 条 entries`,
    `  链头 / head (记录于系统外以发现末尾删除 / record it outside the database to detect tail deletion): ${head}`,
  ];
  for (const problem of result.problems) lines.push(`  #${problem.id} ${PROBLEM_LABELS[problem.kind]}: ${problem.detail}`);
  return lines;
}

export function integrityReport(results: TamperScanResult[]): string[] {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(
      r.tampered.length === 0
        ? `${r.table}: ${r.checked} 行完整 / ${r.checked} rows intact`
        : `${r.table}: ${r.checked} 行中 ${r.tampered.length} 行校验失败 / ${r.tampered.length} of ${r.checked} rows fail their seal`,
    );
    const shown = r.tampered.slice(0, 200).map(formatRowKey);
    if (shown.length > 0) lines.push(`  ${shown.join(', ')}${r.tampered.length > shown.length ? ` … (+${r.tampered.length - shown.length})` : ''}`);
  }
  return lines;
}

export function reencryptReport(r: ReencryptResult): string[] {
  const lines = [
    `${r.table}: 扫描 ${r.scanned} 行，重新加密 ${r.rewritten} 行 / scanned ${r.scanned}, re-encrypted ${r.rewritten}`,
  ];
  if (r.changedConcurrently > 0) lines.push(`  ${r.changedConcurrently} 行在处理中被修改，请再次运行 / changed meanwhile, run again`);
  if (r.plaintextLeft > 0) lines.push(`  ${r.plaintextLeft} 个明文值未加密 / plaintext values left (use --encrypt-plaintext)`);
  if (r.tampered.length > 0) lines.push(`  完整性校验失败（未处理）/ failing their seal (left alone): ${r.tampered.map(formatRowKey).join(', ')}`);
  if (r.undecryptable.length > 0) lines.push(`  无法解密 / cannot decrypt: ${r.undecryptable.map(formatRowKey).join(', ')}`);
  return lines;
}

async function withDb<T>(run: (db: Db) => Promise<T>): Promise<T> {
  const db = createDb(databaseUrlFromEnv(process.env), 2);
  try {
    return await run(db);
  } finally {
    await db.destroy();
  }
}

export async function main(argv: string[], out: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      batch: { type: 'string' },
      anchor: { type: 'string' },
      'no-activate': { type: 'boolean', default: false },
      'encrypt-plaintext': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...args] = positionals;
  const batch = values.batch === undefined ? undefined : Number(values.batch);
  if (batch !== undefined && (!Number.isInteger(batch) || batch < 1)) throw new UsageError('--batch 应为正整数 / must be a positive integer');
  const activate = !values['no-activate'];

  switch (command) {
    case 'init-keys': {
      const dir = process.env.KEYRING_DIR ?? path.join(process.env.DATA_DIR ?? path.join(repoRoot, '.data'), 'keys');
      const ring = Keyring.open(dir, { generateMissing: true });
      out(`密钥已就绪 / keyring ready: ${JSON.stringify(ring.summary())}`);
      return 0;
    }
    case 'keys':
      out(JSON.stringify(Keyring.fromEnv().summary(), null, 2));
      return 0;
    case 'public-key': {
      if (!args[0]) throw new UsageError('public-key 需要密钥名 / needs a key name');
      out(publicKeyToPem(Keyring.fromEnv().sm2KeyPair(args[0]).publicKey).trimEnd());
      return 0;
    }
    case 'rotate-data-key':
    case 'rotate-mac-key': {
      const ring = Keyring.fromEnv();
      const kind = command === 'rotate-data-key' ? 'dek' : 'mac';
      const version = kind === 'dek' ? ring.rotateDataKey({ activate }) : ring.rotateMacKey({ activate });
      out(`已生成 ${kind}-v${version}${activate ? '（已启用）' : '（未启用）'} / created ${kind}-v${version}${activate ? ', active' : ', not active yet'}`);
      out(
        kind === 'dek'
          ? '下一步 / next: copy the file to every node, restart or let them reload, then run `reencrypt`'
          : '下一步 / next: copy the file to every node; old seals and chain entries stay verifiable with their version',
      );
      return 0;
    }
    case 'activate': {
      const [kind, version] = args;
      if ((kind !== 'dek' && kind !== 'mac') || !version || !/^\d+$/.test(version)) throw new UsageError('activate <dek|mac> <version>');
      Keyring.fromEnv().activate(kind, Number(version));
      out(`已启用 / active: ${kind}-v${version}`);
      return 0;
    }
    case 'reencrypt': {
      const given = args.map((a) => parseSpecArg(a, values['encrypt-plaintext']));
      // A sealed table's seals cover its ciphertexts: re-encrypting without re-sealing would break them.
      const specs = given.length > 0
        ? given.map((spec) => ({ ...spec, sealed: sealedTableSpecs.find((s) => s.table === spec.table) }))
        : encryptedColumnSpecs.map((spec) => ({ ...spec, encryptPlaintext: spec.encryptPlaintext || values['encrypt-plaintext'] }));
      if (specs.length === 0) throw new UsageError('没有配置加密列 / no encrypted columns configured (security-specs.ts) or given');
      const ring = Keyring.fromEnv();
      const cipher = new FieldCipher(ring);
      const seal = new RecordSeal(ring);
      let problems = 0;
      await withDb(async (db) => {
        for (const spec of specs) {
          const result = await reencryptTable(db, cipher, spec, batch ?? 500, seal);
          reencryptReport(result).forEach((line) => out(line));
          problems += result.tampered.length + result.undecryptable.length;
        }
      });
      return problems > 0 ? 1 : 0;
    }
    case 'verify-audit': {
      const anchor = values.anchor ? parseAnchor(values.anchor) : undefined;
      const result = await withDb((db) => new AuditLog(db, Keyring.fromEnv()).verify({ batchSize: batch, anchor }));
      auditReport(result).forEach((line) => out(line));
      return result.ok ? 0 : 1;
    }
    case 'verify-integrity': {
      if (sealedTableSpecs.length === 0) throw new UsageError('没有配置需要校验的表 / no sealed tables configured (security-specs.ts)');
      const seal = new RecordSeal(Keyring.fromEnv());
      const results = await withDb(async (db) => {
        const scans: TamperScanResult[] = [];
        for (const spec of sealedTableSpecs) scans.push(await findTampered(db, spec, seal, batch ?? 1000));
        return scans;
      });
      integrityReport(results).forEach((line) => out(line));
      return results.some((r) => r.tampered.length > 0) ? 1 : 0;
    }
    default:
      out(USAGE);
      return command === undefined || values.help ? 0 : 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof UsageError ? error.message : error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
