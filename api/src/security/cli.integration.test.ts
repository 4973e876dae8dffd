import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../config';
import { apiAgent, createTestContext, newCandidate, validApplication, type TestContext } from '../../../tests/support/test-env';

const run = promisify(execFile);
let ctx: TestContext;
beforeAll(() => {
  ctx = createTestContext();
});
afterAll(() => ctx.close());

/** The operators' command as they run it, against the test run's database and keys. */
async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'api/src/security/cli.ts'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: ctx.env.databaseUrl, KEYRING_DIR: ctx.env.keyringDir },
    });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe('security commands (S1, S2)', () => {
  it('S2 verify-integrity names a registration changed by one byte behind the application', async () => {
    const { agent } = await newCandidate(ctx, 'cli');
    const created = await agent.post('/api/registrations').send(await validApplication(ctx));
    const row = await ctx.db('registrations').where({ registration_no: created.body.registrationNo }).first();
    await ctx.db('registrations').where({ id: row.id }).update({ safety_work_years: Number(row.safety_work_years) + 1 });
    const result = await cli('verify-integrity');
    expect(result.code).toBe(1);
    // The report lists the keys of failing rows on the line after their table's summary.
    expect(result.out).toMatch(new RegExp(`registrations:[^\\n]*\\n\\s+[^\\n]*\\b${row.id}\\b`));
  }, 60_000);

  it('S1 verify-audit walks the chain and prints its head', async () => {
    const result = await cli('verify-audit');
    expect(result.out).toMatch(/head|最新/i);
    expect(result.code).toBe(0);
  }, 60_000);
});

describe('public signature verification (S2)', () => {
  it('S2 anyone can check an e-seal against the published key; a changed document fails', async () => {
    const document = Buffer.from('上海市初级注册安全工程师职业资格证书 No.2026310001');
    const signatureHex = ctx.security.sm2.sign('seal-yjj', document);
    const anonymous = await apiAgent(ctx.app);
    const keys = await anonymous.get('/api/security/public-keys');
    expect(keys.body.find((k: { signer: string }) => k.signer === 'seal-yjj').publicKeyPem).toContain('BEGIN PUBLIC KEY');
    const check = (data: Buffer) => anonymous.post('/api/security/verify-signature').send({ signer: 'seal-yjj', dataBase64: data.toString('base64'), signatureHex });
    expect((await check(document)).body).toEqual({ valid: true, signer: 'seal-yjj', name: '上海市应急管理局' });
    expect((await check(Buffer.concat([document, Buffer.from(' ')]))).body.valid).toBe(false);
  });
});
