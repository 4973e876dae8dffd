import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTampered } from './record-integrity';
import { registrationSeal, rolePermissionSeal, userRoleSeal } from './security-specs';
import { UserRepository } from '../auth/user.repository';
import { hashPassword } from '../auth/password';
import { createTestContext, encryptForTransport, eventually, newCandidate, signIn, validApplication, type TestContext } from '../../../tests/support/test-env';

let ctx: TestContext;
beforeAll(() => {
  ctx = createTestContext();
});
afterAll(() => ctx.close());

async function submitted(label: string) {
  const { agent, username } = await newCandidate(ctx, label);
  const application = await validApplication(ctx);
  const res = await agent.post('/api/registrations').send(application);
  expect(res.status).toBe(201);
  return { agent, username, application, registrationNo: res.body.registrationNo as string };
}

describe('important data at rest (S2)', () => {
  it('S2 ID and phone numbers are stored only as SM4 ciphertext, found by their blind index', async () => {
    const { agent, application, registrationNo } = await submitted('enc');
    const raw = await ctx.db('registrations').where({ registration_no: registrationNo }).first();
    for (const column of ['id_number', 'phone'] as const) {
      expect(raw[column]).toMatch(/^sm4:v\d+:/);
      expect(raw[column]).not.toContain(String(application[column === 'id_number' ? 'idNumber' : 'phone']));
    }
    expect(raw.id_number_idx).toBe(ctx.security.index('id-number', String(application.idNumber)));
    expect(raw.row_mac).toMatch(/^mac:v\d+:[0-9a-f]{64}$/);
    // The candidate still sees their own data (masked in lists).
    expect((await agent.get(`/api/registrations/${registrationNo}`)).body.phoneMasked).toBe('138****5678');
    // The duplicate check works on ciphertext through the index.
    const { agent: other } = await newCandidate(ctx, 'enc2');
    expect((await other.post('/api/registrations').send(application)).status).toBe(409);
  });

  it('S2 a registration changed behind the application is refused on read and reported by the scan', async () => {
    const { agent, registrationNo } = await submitted('tamper');
    const row = await ctx.db('registrations').where({ registration_no: registrationNo }).first();
    await ctx.db('registrations').where({ id: row.id }).update({ employer: '篡改后的单位' });
    const res = await agent.get(`/api/registrations/${registrationNo}`);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ code: 'INTEGRITY', message: '数据完整性校验失败，已记录并通知管理员' });
    const scan = await findTampered(ctx.db, registrationSeal, ctx.security.seal);
    expect(scan.tampered).toContainEqual(row.id);
    // A list leaves the row out (and reports it) rather than failing for everyone.
    const mine = await agent.get('/api/registrations/mine');
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual([]);
    await eventually(
      async () => (await ctx.db('audit_log').where({ action: 'integrity.record', object_id: String(row.id) }).first()) !== undefined,
      'the integrity finding in the audit log',
    );
  });

  it('S2 a role granted or a permission added behind the application grants nothing and is reported', async () => {
    const username = `acl-${Date.now()}`;
    const userId = await new UserRepository(ctx.db, ctx.security).upsertUser(
      { username, displayName: '权限测试', kind: 'candidate', passwordHash: await hashPassword('Acl@2026x'), bureau: null },
      ['candidate'],
    );
    await ctx.db('user_roles').insert({ user_id: userId, role_code: 'system-admin', row_mac: null });
    // A forged grant to every candidate; its seal is made up. It grants nothing, so it is safe while other tests run.
    await ctx.db('role_permissions').insert({ role_code: 'candidate', permission_code: 'audit:read', row_mac: `mac:v1:${'0'.repeat(64)}` });
    try {
      const seen = await new UserRepository(ctx.db, ctx.security).rolesAndPermissions(userId);
      expect(seen.roles).toEqual(['candidate']);
      expect(seen.permissions).toEqual(['registration:create', 'registration:read-own']);
      expect(seen.tampered).toBe(2);
      const me = await (await signIn(ctx.app, username, 'Acl@2026x')).get('/api/auth/me');
      expect(me.body.roles).toEqual(['candidate']);
      expect(me.body.permissions).not.toContain('audit:read');
      expect((await findTampered(ctx.db, userRoleSeal, ctx.security.seal)).tampered).toContainEqual([userId, 'system-admin']);
      expect((await findTampered(ctx.db, rolePermissionSeal, ctx.security.seal)).tampered).toContainEqual(['candidate', 'audit:read']);
    } finally {
      await ctx.db('role_permissions').where({ role_code: 'candidate', permission_code: 'audit:read' }).delete();
    }
  });
});

describe('important data in transit (S2)', () => {
  it('S2 an application whose ID or phone number arrives in clear is refused; encrypted ones are decrypted before validation', async () => {
    const { agent } = await newCandidate(ctx, 'transit');
    const application = await validApplication(ctx);
    const sealed = encryptForTransport(ctx.security.sm2.publicKeyHex('transport'), application, ['idNumber']);
    // Only idNumber encrypted: phone arrives in clear. The helper leaves values that already carry the prefix.
    const res = await agent.post('/api/registrations').send({ ...sealed, phone: '13812345678' });
    expect(res.status).toBe(201);
    // The agent encrypts bodies posted to exactly '/api/registrations'; the same route with an empty query is left alone.
    const clear = await agent.post('/api/registrations?').send(application);
    expect(clear.status).toBe(400);
    expect(clear.body.fields).toEqual(expect.arrayContaining([{ field: 'idNumber', message: '该项须加密传输，请刷新页面后重试' }]));
    const garbled = await agent.post('/api/registrations?').send({ ...sealed, phone: `sm2:${'ab'.repeat(120)}` });
    expect(garbled.body.fields).toEqual([{ field: 'phone', message: '该项无法解密，请刷新页面后重试' }]);
  });
});

describe('security audit log (S1)', () => {
  it('S1 sign-ins, registrations and denied access are audited with actor, object, address and result; admins browse, export and verify', async () => {
    const { username, registrationNo } = await submitted('audit');
    const admin = await signIn(ctx.app, 'sysadmin');
    const candidateDenied = await signIn(ctx.app, username, 'Test@2026');
    expect((await candidateDenied.get('/api/audit')).status).toBe(403);

    const list = await admin.get('/api/audit').query({ actor: username, pageSize: 50 });
    expect(list.status).toBe(200);
    const actions = (list.body.items as Array<{ action: string; result: string; objectId: string | null; ip: string | null }>).map((e) => `${e.action}:${e.result}`);
    expect(actions).toEqual(expect.arrayContaining(['auth.login:success', 'registration.create:success', 'access.denied:denied']));
    const created = (list.body.items as Array<{ action: string; objectId: string | null; ip: string | null }>).find((e) => e.action === 'registration.create');
    expect(created?.objectId).toBe(registrationNo);
    expect(created?.ip).toMatch(/127\.0\.0\.1/);

    const failed = await (await import('supertest')).default(ctx.app.app).get('/api/audit');
    expect(failed.status).toBe(401);

    const csv = await admin.get('/api/audit/export.csv').query({ actor: username });
    expect(csv.status).toBe(200);
    expect(csv.text.startsWith('\uFEFF序号,时间,操作人')).toBe(true);
    expect(csv.text).toContain('registration.create');

    const verify = await admin.post('/api/audit/verify');
    expect(verify.status).toBe(200);
    expect(verify.body.ok).toBe(true);
    expect(verify.body.checked).toBeGreaterThan(3);
  });
});
