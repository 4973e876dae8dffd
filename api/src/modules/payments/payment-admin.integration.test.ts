import ExcelJS from 'exceljs';
import type supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentView } from '../../contracts/payments';
import type { PaymentOrderDetail, PaymentOrderPage, ReconciliationView, RefundPage, RefundView } from '../../contracts/payment-admin';
import { hashPassword } from '../../auth/password';
import { UserRepository } from '../../auth/user.repository';
import { sandboxOrder, sandboxPay, sandboxSettings } from '../../integrations/payment/sandbox/payment-sandbox';
import { beijingDate } from '../../integrations/wire-formats';
import { testPaymentDeps } from '../../../../tests/support/payment-env';
import { createTestContext, demoExamId, eventually, newCandidate, signIn, uniqueIdNumber, validApplication, type TestContext } from '../../../../tests/support/test-env';
import { maskName } from '../../security/masking';
import { PAYMENT_ORDER_HEADER } from './payment-orders-workbook';

let ctx: TestContext;
let admin: supertest.Agent;
/** A second exam admin: the four-eyes approver. */
let admin2: supertest.Agent;
let admin2Name: string;

beforeAll(async () => {
  // Cases ask the platform only hourly here: a payment whose callback is dropped stays unnoticed
  // until reconciliation finds it (the periodic query is proven in payment.integration.test.ts).
  ctx = createTestContext({ paymentQueryCycle: 'R/PT1H' });
  admin = await signIn(ctx.app, 'examadmin');
  admin2Name = `h8-admin2-${process.pid}-${Date.now() % 100000}`;
  await new UserRepository(ctx.db, ctx.security).upsertUser({ username: admin2Name, displayName: '复核管理员', kind: 'staff', passwordHash: await hashPassword('Test@2026'), bureau: null }, ['exam-admin']);
  admin2 = await signIn(ctx.app, admin2Name, 'Test@2026');
});
afterAll(async () => {
  await sandboxSettings(ctx.env.paymentBaseUrl, { dropCallbacks: false });
  await ctx.close();
});

const api = '/api/payments';
const digits = '零一二三四五六七八九';
/** A name no other test uses: a family name and the run's digits in Chinese. */
const uniqueName = (family: string) => `${family}${[...String(process.pid % 1000) + String(Date.now() % 100000)].map((d) => digits[Number(d)]).join('')}`;

/** A bachelor in safety work: accepted without a reviewer, so the case goes straight to payment. */
const bachelor = {
  educations: [{ level: 'bachelor', school: '同济大学', major: '土木工程', fullTime: true, startDate: '2010-09-01', graduationDate: '2014-07-01', certificateNo: '102471201405000321' }],
  workPeriods: [{ employer: '上海某建设集团', post: '安全员', startDate: '2014-08-01', endDate: null, safetyWork: true }],
};

interface Candidate {
  agent: supertest.Agent;
  registrationNo: string;
  orderNo: string;
  fullName: string;
  idNumber: string;
}

/** A candidate applies (M15) and the case places the order at the platform (M16). */
async function awaitingPayment(label: string, fullName: string): Promise<Candidate> {
  const { agent } = await newCandidate(ctx, `h8-${label}`);
  const idNumber = uniqueIdNumber();
  const res = await agent.post('/api/registrations').send(await validApplication(ctx, { ...bachelor, fullName, idNumber }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const registrationNo = res.body.registrationNo as string;
  const view = await eventually(async () => {
    const v = (await agent.get(`/api/registrations/${registrationNo}/payment`)).body as PaymentView;
    return v.status === 'waiting' ? v : undefined;
  }, 'the payment order');
  return { agent, registrationNo, orderNo: view.orderNo!, fullName, idNumber };
}

/** Paid at the sandbox cashier; the signed callback credits it. */
async function paid(label: string, fullName: string): Promise<Candidate> {
  const c = await awaitingPayment(label, fullName);
  await sandboxPay(ctx.env.paymentBaseUrl, c.orderNo);
  await eventually(async () => (await ctx.db('payment_orders').where({ merchant_order_no: c.orderNo, status: 'paid' }).first('id')) ?? false, 'the callback to credit the payment');
  return c;
}

const search = async (query: Record<string, string | number>): Promise<PaymentOrderPage> => {
  const res = await admin.get(`${api}/orders`).query(query);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as PaymentOrderPage;
};
const orderNos = (page: PaymentOrderPage) => page.items.map((i) => i.orderNo).sort();
const binary = (r: supertest.Test) =>
  r.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });

describe('payment orders for admins (M25)', () => {
  let family: string;
  let a: Candidate;
  let b: Candidate;
  let waiting: Candidate;

  beforeAll(async () => {
    family = uniqueName('缴');
    [a, b, waiting] = await Promise.all([paid('qa', `${family}甲`), paid('qb', `${family}乙`), awaitingPayment('qw', `${family}丙`)]);
  }, 120_000);

  it('M25 paid orders are found by paid date, exam, status, amount, order number, partial name and exact ID number; candidate data are masked', async () => {
    const both = [a.orderNo, b.orderNo].sort();
    expect(orderNos(await search({ fullName: family }))).toEqual([a.orderNo, b.orderNo, waiting.orderNo].sort());
    expect(orderNos(await search({ fullName: family, status: 'paid' }))).toEqual(both);
    expect(orderNos(await search({ fullName: family, status: 'waiting' }))).toEqual([waiting.orderNo]);
    expect(orderNos(await search({ fullName: `${family}乙` }))).toEqual([b.orderNo]);
    expect(orderNos(await search({ idNumber: a.idNumber }))).toEqual([a.orderNo]);
    expect(orderNos(await search({ idNumber: uniqueIdNumber() }))).toEqual([]);
    expect(orderNos(await search({ orderNo: a.orderNo }))).toEqual([a.orderNo]);
    const tradeNo = (await sandboxOrder(ctx.env.paymentBaseUrl, a.orderNo)).order.tradeNo;
    expect(orderNos(await search({ orderNo: tradeNo }))).toEqual([a.orderNo]);

    const paidAt = (await ctx.db('payment_orders').where({ merchant_order_no: a.orderNo }).first<{ paid_at: Date }>('paid_at')).paid_at;
    const day = beijingDate(paidAt);
    const dayBefore = beijingDate(new Date(paidAt.getTime() - 86_400_000));
    expect(orderNos(await search({ fullName: family, paidFrom: day, paidTo: day }))).toEqual(both);
    expect(orderNos(await search({ fullName: family, paidTo: dayBefore }))).toEqual([]);
    const examId = await demoExamId(ctx);
    expect(orderNos(await search({ fullName: family, examId }))).toHaveLength(3);
    expect(orderNos(await search({ fullName: family, examId: 987_654 }))).toEqual([]);
    expect(orderNos(await search({ fullName: family, status: 'paid', amountFromFen: 14000, amountToFen: 14000 }))).toEqual(both);
    expect(orderNos(await search({ fullName: family, amountFromFen: 14001 }))).toEqual([]);

    const page = await search({ fullName: family, status: 'paid', pageSize: 1, sort: 'orderNo', order: 'asc' });
    expect(page).toMatchObject({ total: 2, totalAmountFen: 28000, page: 1, pageSize: 1 });
    expect(page.items.map((i) => i.orderNo)).toEqual([both[0]]);
    const row = (await search({ orderNo: a.orderNo })).items[0]!;
    expect(row).toMatchObject({ registrationNo: a.registrationNo, amountFen: 14000, status: 'paid', statusLabel: '已支付', fullNameMasked: maskName(a.fullName), tradeNo, refundStatus: null });
    expect(row.idNumberMasked).not.toContain(a.idNumber.slice(4, 14));
    expect(row.idNumberMasked.slice(-4)).toBe(a.idNumber.slice(-4));
    expect(JSON.stringify(await search({ fullName: family }))).not.toContain(a.fullName);

    const audit = await ctx.db('audit_log').where({ actor: 'examadmin', action: 'payment.search', result: 'success' }).count<Array<{ count: string }>>('* as count');
    expect(Number(audit[0]!.count)).toBeGreaterThan(0);
  });

  it('M25 details show the order, the registration (masked), the callbacks received, refunds and the e-receipt; the view is audited', async () => {
    const res = await admin.get(`${api}/orders/${a.orderNo}`);
    expect(res.status).toBe(200);
    const d = res.body as PaymentOrderDetail;
    expect(d.order).toMatchObject({ orderNo: a.orderNo, status: 'paid', amountFen: 14000 });
    expect(d.registration).toMatchObject({ registrationNo: a.registrationNo, status: 'paid', statusLabel: '已缴费', fullNameMasked: maskName(a.fullName), feeTotalFen: 14000 });
    expect(d.registration.phoneMasked).toMatch(/^\d{3}\*{4}\d{4}$/);
    expect(d.notifications).toEqual([expect.objectContaining({ amountFen: 14000, tradeNo: d.order.tradeNo })]);
    expect(d.refunds).toEqual([]);
    expect(d.receipt?.receiptNo ?? null).toBe(d.order.receiptNo);
    expect(d.refundable).toBe(true);
    expect(JSON.stringify(d)).not.toContain(a.idNumber);
    const audit = await ctx.db('audit_log').where({ actor: 'examadmin', action: 'payment.view', object_id: a.orderNo }).first<{ result: string }>('result');
    expect(audit?.result).toBe('success');
    expect((await admin.get(`${api}/orders/JFNOSUCHORDER01`)).status).toBe(404);
  });

  it('M25 the Excel export is a workbook with the same rows as the query', async () => {
    const query = { fullName: family, sort: 'orderNo', order: 'asc' };
    const table = await search({ ...query, pageSize: 100 });
    const res = await binary(admin.get(`${api}/orders/export.xlsx`).query(query));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toContain(encodeURIComponent('缴费订单-'));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(new Uint8Array(res.body as Buffer).buffer);
    const values: unknown[][] = [];
    workbook.getWorksheet('缴费订单')!.eachRow((row) => values.push((row.values as unknown[]).slice(1)));
    expect(String(values[1]![0])).toContain(`姓名包含：${family}`);
    const header = values.findIndex((v) => v[0] === PAYMENT_ORDER_HEADER[0]);
    expect(values[header]).toEqual([...PAYMENT_ORDER_HEADER]);
    const body = values.slice(header + 1, header + 1 + table.items.length);
    expect(body.map((r) => [r[0], r[2], r[4], r[5], r[6], r[7]])).toEqual(table.items.map((i) => [i.orderNo, i.registrationNo, i.fullNameMasked, i.idNumberMasked, i.amountFen / 100, i.statusLabel]));
    expect(values[header + 1 + table.items.length]!.slice(0, 2)).toEqual(['合计', '3笔']);
    expect(values[header + 1 + table.items.length]![6]).toBe(420);
    const audit = await ctx.db('audit_log').where({ actor: 'examadmin', action: 'payment.export', result: 'success' }).first('id');
    expect(audit).toBeTruthy();
  });
});

describe('reconciliation against the platform statement (M25)', () => {
  const reconcile = async (billDate: string): Promise<ReconciliationView> => {
    const res = await admin.post(`${api}/reconciliations`).send({ billDate });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as ReconciliationView;
  };
  const itemsOf = (view: ReconciliationView, orderNo: string) => view.items.filter((i) => i.orderNo === orderNo);

  it('M25 finds a payment the platform took whose callback was lost, and one whose amount differs; each is resolved, crediting the lost one; running again is idempotent', async () => {
    const family = uniqueName('账');
    const lost = await awaitingPayment('lost', `${family}甲`);
    const altered = await paid('altered', `${family}乙`);
    await sandboxSettings(ctx.env.paymentBaseUrl, { dropCallbacks: true });
    try {
      await sandboxPay(ctx.env.paymentBaseUrl, lost.orderNo);
    } finally {
      await sandboxSettings(ctx.env.paymentBaseUrl, { dropCallbacks: false });
    }
    const remote = (await sandboxOrder(ctx.env.paymentBaseUrl, lost.orderNo)).order;
    const billDate = beijingDate(new Date(remote.paidAt!));
    // A row changed behind the application's back: 130.00 here, 140.00 at the platform.
    await ctx.db('payment_orders').where({ merchant_order_no: altered.orderNo }).update({ amount_fen: 13000 });
    try {
      const first = await reconcile(billDate);
      expect(first).toMatchObject({ billDate, source: 'platform', ranBy: 'examadmin' });
      expect(first.platform.payCount).toBeGreaterThanOrEqual(2);
      expect(itemsOf(first, lost.orderNo)).toEqual([
        expect.objectContaining({ kind: 'missing-local', kindLabel: '平台已收款，本系统未入账', platformAmountFen: 14000, localStatus: 'waiting', registrationNo: lost.registrationNo, creditable: true, status: 'open' }),
      ]);
      expect(itemsOf(first, altered.orderNo)).toEqual([expect.objectContaining({ kind: 'amount-mismatch', platformAmountFen: 14000, localAmountFen: 13000, creditable: false, status: 'open' })]);
      expect((await ctx.db('registrations').where({ registration_no: lost.registrationNo }).first()).status).toBe('approved');

      // The same day again: the same items, not twice.
      const again = await reconcile(billDate);
      expect(itemsOf(again, lost.orderNo)).toHaveLength(1);
      expect(itemsOf(again, altered.orderNo)).toHaveLength(1);

      const lostItem = itemsOf(again, lost.orderNo)[0]!;
      const credited = await admin.post(`${api}/reconciliation-items/${lostItem.id}/credit`).send({});
      expect(credited.status, JSON.stringify(credited.body)).toBe(200);
      expect(itemsOf(credited.body as ReconciliationView, lost.orderNo)[0]).toMatchObject({ status: 'resolved', resolution: 'credited', resolvedBy: 'examadmin', creditable: false });
      expect((await ctx.db('registrations').where({ registration_no: lost.registrationNo }).first()).status).toBe('paid');
      expect((await ctx.db('payment_orders').where({ merchant_order_no: lost.orderNo }).first()).status).toBe('paid');
      const timeline = JSON.stringify((await lost.agent.get(`/api/registrations/${lost.registrationNo}/timeline`)).body);
      expect(timeline).toContain('已缴费');
      expect((await admin.post(`${api}/reconciliation-items/${lostItem.id}/credit`).send({})).status).toBe(409);

      const alteredItem = itemsOf(again, altered.orderNo)[0]!;
      expect((await admin.post(`${api}/reconciliation-items/${alteredItem.id}/credit`).send({})).status).toBe(409);
      const resolved = await admin.post(`${api}/reconciliation-items/${alteredItem.id}/resolve`).send({ note: '经核实为数据库人工误改，已按平台金额更正' });
      expect(resolved.status).toBe(200);
      expect(itemsOf(resolved.body as ReconciliationView, altered.orderNo)[0]).toMatchObject({ status: 'resolved', resolution: 'noted', resolutionNote: '经核实为数据库人工误改，已按平台金额更正', resolvedBy: 'examadmin' });

      // Resolved items stay resolved: the credited payment now matches, the resolved difference is not reopened.
      const third = await reconcile(billDate);
      expect(itemsOf(third, lost.orderNo)).toEqual([expect.objectContaining({ status: 'resolved', resolution: 'credited' })]);
      expect(itemsOf(third, altered.orderNo)).toEqual([expect.objectContaining({ status: 'resolved', resolution: 'noted' })]);
      const stored = await ctx.db('reconciliation_items as i').join('reconciliation_runs as r', 'r.id', 'i.run_id').whereIn('i.merchant_order_no', [lost.orderNo, altered.orderNo]);
      expect(stored).toHaveLength(2);

      const listed = await admin.get(`${api}/reconciliations`);
      expect(listed.status).toBe(200);
      expect(listed.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ billDate, source: 'platform' })]));
      expect((await admin.get(`${api}/reconciliations/${billDate}`)).body).toMatchObject({ billDate });
      const audit = await ctx.db('audit_log').where({ actor: 'examadmin', action: 'payment.reconciliation-credit', object_id: String(lostItem.id) }).first<{ result: string }>('result');
      expect(audit?.result).toBe('success');
    } finally {
      await ctx.db('payment_orders').where({ merchant_order_no: altered.orderNo }).update({ amount_fen: 14000 });
    }
  }, 120_000);

  it('M25 an uploaded statement file is checked (format and totals, merchant, date) before it is used; a bad one writes nothing', async () => {
    const { platform } = testPaymentDeps(ctx.env, ctx.security.sm2);
    const billDate = beijingDate(new Date());
    const statement = await platform.fetchStatement(billDate);
    const upload = (text: string, date = billDate) => admin.post(`${api}/reconciliations/upload?billDate=${date}`).set('content-type', 'text/csv; charset=utf-8').send(text);

    const ok = await upload(`\uFEFF${statement.raw}`);
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body).toMatchObject({ billDate, source: 'upload', platform: statement.totals });
    const before = await ctx.db('reconciliation_runs').where({ bill_date: billDate }).first<{ ran_at: Date; source: string }>('ran_at', 'source');

    const line = statement.raw.split('\r\n').find((l) => /,支付,\d+,/.test(l));
    const cases: Array<[string, string, string]> = line
      ? [[statement.raw.replace(line, line.replace(/,支付,(\d+),/, (_m, n: string) => `,支付,${Number(n) + 1},`)), billDate, 'statement']]
      : [];
    cases.push(['not a statement', billDate, 'statement']);
    cases.push([statement.raw.replace(`商户号,${ctx.env.paymentMerchantId}`, '商户号,other-merchant'), billDate, 'statement']);
    cases.push([statement.raw, beijingDate(new Date(Date.now() - 86_400_000)), 'statement']);
    for (const [text, date, field] of cases) {
      const res = await upload(text, date);
      expect(res.status, text.slice(0, 80)).toBe(400);
      expect(res.body.fields[0].field).toBe(field);
      expect(res.body.message).toMatch(/[\u4e00-\u9fff]/);
    }
    const empty = await admin.post(`${api}/reconciliations/upload?billDate=${billDate}`).set('content-type', 'text/csv');
    expect(empty.status).toBe(400);
    expect(empty.body.fields[0].field).toBe('statement');
    expect(await ctx.db('reconciliation_runs').where({ bill_date: billDate }).first('ran_at', 'source')).toEqual(before);
  });
});

describe('administrative refund with approval (M25)', () => {
  it('M25 a refund is requested with a reason, cannot be approved by its requester, is approved by another admin and made at the platform; the timeline tells the candidate', async () => {
    const family = uniqueName('退');
    const c = await paid('refund', `${family}甲`);
    const unpaid = await awaitingPayment('refund-unpaid', `${family}乙`);
    const refunds = () => ctx.db('payment_refunds as f').join('payment_orders as o', 'o.id', 'f.payment_order_id').where('o.merchant_order_no', c.orderNo).select('f.*');

    const noReason = await admin.post(`${api}/orders/${c.orderNo}/refunds`).send({ reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.fields[0]).toMatchObject({ field: 'reason' });
    expect(await refunds()).toHaveLength(0);
    const notPaid = await admin.post(`${api}/orders/${unpaid.orderNo}/refunds`).send({ reason: '考试取消，全额退费' });
    expect(notPaid.status).toBe(409);
    expect(notPaid.body.message).toBe('只有已支付的订单才能申请退款');

    const requested = await admin.post(`${api}/orders/${c.orderNo}/refunds`).send({ reason: '考点调整，考试取消，全额退费' });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    const refund = requested.body as RefundView;
    expect(refund).toMatchObject({ orderNo: c.orderNo, status: 'requested', kind: 'administrative', amountFen: 14000, requestedBy: 'examadmin', fullNameMasked: maskName(c.fullName) });
    expect((await admin.post(`${api}/orders/${c.orderNo}/refunds`).send({ reason: '重复提交的退款申请' })).status).toBe(409);
    expect((await admin.get(`${api}/orders/${c.orderNo}`)).body).toMatchObject({ refundable: false, refunds: [expect.objectContaining({ id: refund.id, status: 'requested' })] });

    // Four eyes: the requester holds the approval permission, but not for their own request.
    const own = await admin.post(`${api}/refunds/${refund.id}/approve`).send({ comment: '同意' });
    expect(own.status).toBe(403);
    expect(own.body.message).toBe('不能审批本人提出的退款申请，请由其他管理员审批');
    expect((await refunds())[0]).toMatchObject({ status: 'requested', decided_by: null });
    const denied = await ctx.db('audit_log').where({ actor: 'examadmin', action: 'payment.refund-approve', object_id: String(refund.id) }).first<{ result: string }>('result');
    expect(denied?.result).toBe('denied');

    const inbox = await admin2.get(`${api}/refunds`);
    expect(inbox.status).toBe(200);
    expect((inbox.body as RefundPage).items.map((r) => r.id)).toContain(refund.id);

    const approved = await admin2.post(`${api}/refunds/${refund.id}/approve`).send({ comment: '情况属实，同意退费' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ status: 'refunded', decidedBy: admin2Name, decisionComment: '情况属实，同意退费' });
    expect((approved.body as RefundView).refundNo).toBeTruthy();
    expect((await sandboxOrder(ctx.env.paymentBaseUrl, c.orderNo)).order.status).toBe('refunded');
    expect((await ctx.db('payment_orders').where({ merchant_order_no: c.orderNo }).first()).status).toBe('refunded');
    const timeline = JSON.stringify((await c.agent.get(`/api/registrations/${c.registrationNo}/timeline`)).body);
    expect(timeline).toContain('报名费已退回');
    expect(timeline).toContain('考点调整，考试取消，全额退费');
    expect(((await c.agent.get(`/api/registrations/${c.registrationNo}/payment`)).body as PaymentView).status).toBe('refunded');
    // Decided once.
    expect((await admin2.post(`${api}/refunds/${refund.id}/approve`).send({})).status).toBe(409);
    expect((await search({ orderNo: c.orderNo })).items[0]).toMatchObject({ status: 'refunded', refundStatus: 'refunded' });
  });

  it('M25 a rejected refund needs a reason, changes nothing at the platform and lets a new request follow', async () => {
    const c = await paid('reject', `${uniqueName('驳')}甲`);
    const requested = (await admin.post(`${api}/orders/${c.orderNo}/refunds`).send({ reason: '考生因工作调动申请退费' })).body as RefundView;
    const noComment = await admin2.post(`${api}/refunds/${requested.id}/reject`).send({});
    expect(noComment.status).toBe(400);
    expect(noComment.body.fields[0].field).toBe('comment');
    expect((await ctx.db('payment_refunds').where({ id: requested.id }).first()).status).toBe('requested');
    const ownReject = await admin.post(`${api}/refunds/${requested.id}/reject`).send({ comment: '不符合退费条件' });
    expect(ownReject.status).toBe(403);
    const rejected = await admin2.post(`${api}/refunds/${requested.id}/reject`).send({ comment: '不符合退费条件' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', decidedBy: admin2Name, decisionComment: '不符合退费条件' });
    expect((await sandboxOrder(ctx.env.paymentBaseUrl, c.orderNo)).order.status).toBe('paid');
    expect((await ctx.db('payment_orders').where({ merchant_order_no: c.orderNo }).first()).status).toBe('paid');
    const list = (await admin2.get(`${api}/refunds`).query({ status: 'rejected' })).body as RefundPage;
    expect(list.items.map((r) => r.id)).toContain(requested.id);
    const next = await admin2.post(`${api}/orders/${c.orderNo}/refunds`).send({ reason: '补充材料后再次申请退费' });
    expect(next.status).toBe(201);
    expect((next.body as RefundView).merchantRefundNo).not.toBe(requested.merchantRefundNo);
  });
});

describe('access and bad input (M25)', () => {
  it('M25 candidates and staff without the payment permissions get 403 on every admin route', async () => {
    const { agent: candidate } = await newCandidate(ctx, 'h8-intruder', { confirmGuide: false, photo: false });
    const reviewer = await signIn(ctx.app, 'reviewer1');
    const today = beijingDate(new Date());
    const calls: Array<{ method: 'get' | 'post'; path: string; body?: object }> = [
      { method: 'get', path: `${api}/orders/options` },
      { method: 'get', path: `${api}/orders` },
      { method: 'get', path: `${api}/orders/export.xlsx` },
      { method: 'get', path: `${api}/orders/JF000000000001` },
      { method: 'post', path: `${api}/orders/JF000000000001/refunds`, body: { reason: '越权申请退款测试' } },
      { method: 'get', path: `${api}/refunds` },
      { method: 'post', path: `${api}/refunds/1/approve`, body: {} },
      { method: 'post', path: `${api}/refunds/1/reject`, body: { comment: '越权' } },
      { method: 'post', path: `${api}/refunds/1/retry` },
      { method: 'get', path: `${api}/reconciliations` },
      { method: 'get', path: `${api}/reconciliations/${today}` },
      { method: 'post', path: `${api}/reconciliations`, body: { billDate: today } },
      { method: 'post', path: `${api}/reconciliations/upload?billDate=${today}`, body: {} },
      { method: 'post', path: `${api}/reconciliation-items/1/resolve`, body: { note: '越权处理' } },
      { method: 'post', path: `${api}/reconciliation-items/1/credit`, body: {} },
    ];
    for (const agent of [candidate, reviewer]) {
      for (const call of calls) {
        const req = agent[call.method](call.path);
        const res = await (call.body ? req.send(call.body) : req);
        expect(res.status, `${call.method} ${call.path}`).toBe(403);
      }
    }
    const openapi = await admin.get('/api/openapi.json');
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/payments/orders/export.xlsx', '/payments/refunds/{id}/approve', '/payments/reconciliations/upload']));
    expect(openapi.body.paths['/payments/refunds/{id}/approve'].post.description).toBe('权限: `payment:approve-refund`');
    const me = await admin.get('/api/auth/me');
    expect(me.body.permissions).toEqual(expect.arrayContaining(['payment:read', 'payment:refund', 'payment:approve-refund', 'payment:reconcile']));
  });

  it('M25 bad queries, dates, notes and reasons are refused with 400 naming the field, and nothing is written', async () => {
    const badQueries: Array<[Record<string, string>, string]> = [
      [{ paidFrom: '2026-13-01' }, 'paidFrom'],
      [{ paidFrom: '2026-03-10', paidTo: '2026-03-01' }, 'paidTo'],
      [{ amountFromFen: '-1' }, 'amountFromFen'],
      [{ amountFromFen: '12.5' }, 'amountFromFen'],
      [{ amountFromFen: '500', amountToFen: '100' }, 'amountToFen'],
      [{ status: 'lost' }, 'status'],
      [{ idNumber: '31010119900101' }, 'idNumber'],
      [{ orderNo: 'a b' }, 'orderNo'],
      [{ examId: 'x' }, 'examId'],
      [{ pageSize: '1000' }, 'pageSize'],
      [{ sort: 'name' }, 'sort'],
    ];
    for (const [query, field] of badQueries) {
      for (const path of [`${api}/orders`, `${api}/orders/export.xlsx`]) {
        const res = await admin.get(path).query(query);
        expect(res.status, `${path} ${JSON.stringify(query)}`).toBe(400);
        expect(res.body.fields[0].field).toBe(field);
        expect(res.body.fields[0].message).toMatch(/[\u4e00-\u9fff]/);
      }
    }

    const runs = async () => Number((await ctx.db('reconciliation_runs').count<Array<{ count: string }>>('* as count'))[0]!.count);
    const runsBefore = await runs();
    const tomorrow = beijingDate(new Date(Date.now() + 86_400_000));
    for (const [body, field] of [
      [{}, 'billDate'],
      [{ billDate: '2026-02-30' }, 'billDate'],
      [{ billDate: '20260301' }, 'billDate'],
      [{ billDate: tomorrow }, 'billDate'],
    ] as Array<[object, string]>) {
      const res = await admin.post(`${api}/reconciliations`).send(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.fields[0].field).toBe(field);
    }
    const badUploadDate = await admin.post(`${api}/reconciliations/upload?billDate=2026-3-1`).set('content-type', 'text/csv').send('x');
    expect(badUploadDate.status).toBe(400);
    expect(badUploadDate.body.fields[0].field).toBe('billDate');
    expect(await runs()).toBe(runsBefore);
    expect((await admin.get(`${api}/reconciliations/2026-02-30`)).status).toBe(400);

    const item = await ctx.db('reconciliation_items').where({ status: 'open' }).first<{ id: number } | undefined>('id');
    const itemId = item?.id ?? 2_000_000_000;
    for (const body of [{}, { note: ' ' }, { note: 'x'.repeat(501) }]) {
      const res = await admin.post(`${api}/reconciliation-items/${itemId}/resolve`).send(body);
      expect(res.status).toBe(400);
      expect(res.body.fields[0].field).toBe('note');
    }
    if (item) expect((await ctx.db('reconciliation_items').where({ id: item.id }).first()).status).toBe('open');
    expect((await admin.post(`${api}/reconciliation-items/abc/resolve`).send({ note: '处理说明' })).body.fields[0].field).toBe('id');

    const refundsBefore = Number((await ctx.db('payment_refunds').count<Array<{ count: string }>>('* as count'))[0]!.count);
    for (const body of [{}, { reason: '太短' }, { reason: '长'.repeat(201) }, { reason: 42 }]) {
      const res = await admin.post(`${api}/orders/JF000000000001/refunds`).send(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.fields[0].field).toBe('reason');
    }
    expect((await admin.post(`${api}/orders/bad%20no/refunds`).send({ reason: '考试取消，全额退费' })).body.fields[0].field).toBe('orderNo');
    expect((await admin.post(`${api}/orders/JF000000000001/refunds`).send({ reason: '考试取消，全额退费' })).status).toBe(404);
    expect((await admin2.post(`${api}/refunds/abc/approve`).send({})).body.fields[0].field).toBe('id');
    expect((await admin2.post(`${api}/refunds/1/approve`).send({ comment: '长'.repeat(201) })).body.fields[0].field).toBe('comment');
    expect(Number((await ctx.db('payment_refunds').count<Array<{ count: string }>>('* as count'))[0]!.count)).toBe(refundsBefore);
  });
});
