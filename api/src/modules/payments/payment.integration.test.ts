import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type supertest from 'supertest';
import type { PaymentView } from '../../contracts/payments';
import type { RegistrationView } from '../../contracts/registration';
import { confirmGuide, createTestContext, eventually, newCandidate, validApplication, type TestContext } from '../../../../tests/support/test-env';
import { expectNoAccess } from '../../../../tests/support/idor';
import { sandboxCallbacks, sandboxOrder, sandboxPay, sandboxSettings } from '../../integrations/payment/sandbox/payment-sandbox';
import { testPaymentDeps } from '../../../../tests/support/payment-env';
import { createStandardExam } from '../exams/demo-exam';
import { PaymentService } from './payment.service';
import { RegistrationPayable } from '../registration/registration.payable';
import { RegistrationRepository } from '../registration/registration.repository';

/** The registration's exam fee, as payments key it. */
const feeOf = (registrationNo: string) => ({ caseType: 'exam-registration', businessKey: registrationNo });

let ctx: TestContext;
let payments: PaymentService;

beforeAll(() => {
  ctx = createTestContext();
  const deps = testPaymentDeps(ctx.env, ctx.security.sm2);
  payments = new PaymentService(ctx.db, ctx.engine, deps.platform, deps.receipts, deps, [new RegistrationPayable(ctx.db, new RegistrationRepository(ctx.db, ctx.security))]);
});
afterAll(async () => {
  await sandboxSettings(ctx.env.paymentBaseUrl, { down: false, dropCallbacks: false });
  await ctx.close();
});

/** A bachelor in safety work: accepted without a reviewer, so the case goes straight to payment. */
const bachelor = {
  educations: [{ level: 'bachelor', school: '同济大学', major: '土木工程', fullTime: true, startDate: '2010-09-01', graduationDate: '2014-07-01', certificateNo: '102471201405000321' }],
  workPeriods: [{ employer: '上海某建设集团', post: '安全员', startDate: '2014-08-01', endDate: null, safetyWork: true }],
};

async function awaitingPayment(label: string, overrides: Record<string, unknown> = {}, options: { examId?: number } = {}) {
  const { agent } = await newCandidate(ctx, label);
  if (options.examId) await confirmGuide(agent, options.examId);
  const res = await agent.post('/api/registrations').send(await validApplication(ctx, { ...bachelor, ...overrides, ...(options.examId ? { examId: options.examId } : {}) }));
  expect(res.status).toBe(201);
  const registrationNo = res.body.registrationNo as string;
  const view = await eventually(async () => {
    const v = (await agent.get(`/api/registrations/${registrationNo}/payment`)).body as PaymentView;
    return v.status === 'waiting' ? v : undefined;
  }, 'the payment order');
  const row = await ctx.db('registrations').where({ registration_no: registrationNo }).first();
  return { agent, registrationNo, order: view, instanceId: row.process_instance_id as string, registrationId: row.id as number };
}

const statusOf = async (agent: supertest.Agent, no: string) => ((await agent.get(`/api/registrations/${no}`)).body as RegistrationView).status;
const activities = async (instanceId: string) => (await ctx.engine.historicActivities(instanceId)).map((a) => a.activityId);
const credits = async (registrationId: number) => Number((await ctx.db('registration_events').where({ registration_id: registrationId, kind: 'paid' }).count<Array<{ count: string }>>('* as count'))[0]!.count);

describe('online payment (M16, M06)', () => {
  it('M16 the candidate pays at the platform: the signed callback credits the fee, the case issues the e-receipt and ends 已缴费', async () => {
    const { agent, registrationNo, order, instanceId, registrationId } = await awaitingPayment('pay');
    expect(order).toMatchObject({ amountFen: 14000, payable: true, paidAt: null });
    const pay = await agent.post(`/api/registrations/${registrationNo}/payment/pay`);
    expect(pay.status).toBe(200);
    expect(pay.body.payUrl).toContain(ctx.env.paymentBaseUrl);
    // The cashier page is the platform's, in Chinese.
    const cashier = await fetch(pay.body.payUrl);
    expect(await cashier.text()).toContain('支付');

    await sandboxPay(ctx.env.paymentBaseUrl, order.orderNo!);
    await eventually(async () => (await statusOf(agent, registrationNo)) === 'paid', 'the credit');
    const paid = await eventually(async () => {
      const v = (await agent.get(`/api/registrations/${registrationNo}/payment`)).body as PaymentView;
      return v.receipt ? v : undefined;
    }, 'the e-receipt');
    expect(paid).toMatchObject({ status: 'paid', payable: false });
    expect((await agent.get(`/api/registrations/${registrationNo}`)).body.statusLabel).toBe('已缴费');
    const receipt = await agent.get(`/api/registrations/${registrationNo}/receipt.pdf`).buffer(true);
    expect(receipt.status).toBe(200);
    expect((receipt.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    // Anyone may verify the receipt at the platform.
    const verified = await ctx.db('e_receipts as e').join('payment_orders as o', 'o.id', 'e.payment_order_id').where({ 'o.case_type': 'exam-registration', 'o.business_key': registrationNo }).first('e.receipt_no', 'e.check_code');
    const deps = testPaymentDeps(ctx.env, ctx.security.sm2);
    expect((await deps.receipts.verify(verified.receipt_no, verified.check_code)).valid).toBe(true);
    expect((await deps.receipts.verify(verified.receipt_no, '000000')).valid).toBe(false);

    await eventually(async () => (await activities(instanceId)).includes('End_Paid'), 'the case to end paid');
    expect(await activities(instanceId)).toEqual(expect.arrayContaining(['Task_PaymentOrder', 'Task_AwaitPayment', 'Task_EReceipt', 'End_Paid']));
    expect(await credits(registrationId)).toBe(1);
    // Paid: no withdrawal any more, and no second payment.
    expect((await agent.post(`/api/registrations/${registrationNo}/withdraw`)).status).toBe(409);
    expect((await agent.post(`/api/registrations/${registrationNo}/payment/pay`)).status).toBe(409);
    const timeline = JSON.stringify((await agent.get(`/api/registrations/${registrationNo}/timeline`)).body);
    expect(timeline).toContain('缴费订单已生成');
    expect(timeline).toContain('财政电子票据已开具');
  });

  it('M16 ten concurrent reports of one payment (callbacks, queries, the browser return) credit it once', async () => {
    const { agent, registrationNo, order, registrationId } = await awaitingPayment('dup');
    await sandboxSettings(ctx.env.paymentBaseUrl, { dropCallbacks: true });
    try {
      await sandboxPay(ctx.env.paymentBaseUrl, order.orderNo!);
    } finally {
      await sandboxSettings(ctx.env.paymentBaseUrl, { dropCallbacks: false });
    }
    const remote = (await sandboxOrder(ctx.env.paymentBaseUrl, order.orderNo!)).order;
    const notification = { notifyId: `N-${order.orderNo}`, merchantId: ctx.env.paymentMerchantId, tradeNo: remote.tradeNo, merchantOrderNo: order.orderNo!, amountFen: 14000, paidAt: new Date() };
    const results = await Promise.all([
      ...Array.from({ length: 6 }, () => payments.acceptCallback(notification).then(() => 'callback')),
      ...Array.from({ length: 2 }, () => payments.reconcileOrder(feeOf(registrationNo), 'query')),
      ...Array.from({ length: 2 }, () => agent.get(`/api/registrations/${registrationNo}/payment?returned=1`).then((r) => r.status)),
    ]);
    expect(results).toHaveLength(10);
    expect(await credits(registrationId)).toBe(1);
    expect(await ctx.db('payment_notifications').where({ merchant_order_no: order.orderNo }).count()).toEqual([{ count: '1' }]);
    expect(await statusOf(agent, registrationNo)).toBe('paid');
  });

  it('M16 a callback that never comes: the case asks the platform and finds the payment', async () => {
    const { agent, registrationNo, order, instanceId } = await awaitingPayment('query');
    await sandboxSettings(ctx.env.paymentBaseUrl, { dropCallbacks: true });
    try {
      await sandboxPay(ctx.env.paymentBaseUrl, order.orderNo!);
      await eventually(async () => (await statusOf(agent, registrationNo)) === 'paid', 'the periodic query to find the payment', 45_000);
    } finally {
      await sandboxSettings(ctx.env.paymentBaseUrl, { dropCallbacks: false });
    }
    expect(await sandboxCallbacks(ctx.env.paymentBaseUrl, order.orderNo!)).toEqual([expect.objectContaining({ state: 'dropped' })]);
    await eventually(async () => (await activities(instanceId)).includes('Task_PaymentQuery'), 'the query step');
    await eventually(async () => (await activities(instanceId)).includes('End_Paid'), 'the case to end paid');
  }, 60_000);

  it('M16 forged, mismatched or unknown callbacks are refused and credit nothing', async () => {
    const { registrationNo, order, registrationId } = await awaitingPayment('forged');
    const body = JSON.stringify({ merchant_id: ctx.env.paymentMerchantId, out_trade_no: order.orderNo, total_fee: 14000 });
    const forged = await fetch(ctx.env.paymentNotifyUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-pay-signature': '3045022100ff', 'x-pay-merchant-id': ctx.env.paymentMerchantId }, body });
    expect(forged.status).toBe(400);
    const unsigned = await fetch(ctx.env.paymentNotifyUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(400);
    await expect(payments.acceptCallback({ notifyId: 'N-x', merchantId: ctx.env.paymentMerchantId, tradeNo: 'T1', merchantOrderNo: order.orderNo!, amountFen: 1, paidAt: new Date() })).rejects.toThrow();
    await expect(payments.acceptCallback({ notifyId: 'N-y', merchantId: ctx.env.paymentMerchantId, tradeNo: 'T1', merchantOrderNo: 'JFUNKNOWN0001', amountFen: 14000, paidAt: new Date() })).rejects.toMatchObject({ status: 404 });
    expect(await credits(registrationId)).toBe(0);
    expect((await ctx.db('registrations').where({ registration_no: registrationNo }).first()).status).toBe('approved');
  });

  it('M16 a worker killed between the platform call and its commit never makes a second order', async () => {
    const { registrationNo, order } = await awaitingPayment('killed');
    // As if the order row were still 'creating': the retried step asks with the same merchant order number.
    await ctx.db('payment_orders').where({ merchant_order_no: order.orderNo }).update({ status: 'creating' });
    const again = await payments.createOrder(feeOf(registrationNo));
    expect(again.merchantOrderNo).toBe(order.orderNo);
    const rows = await ctx.db('payment_orders').where({ merchant_order_no: order.orderNo });
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe('waiting');
    expect((await sandboxOrder(ctx.env.paymentBaseUrl, order.orderNo!)).order.tradeNo).toBe(rows[0].trade_no);
  });

  it('M16 the platform down: the order step fails (the engine retries it) and nothing is half-written', async () => {
    const { registrationNo, order } = await awaitingPayment('down');
    await ctx.db('payment_orders').where({ merchant_order_no: order.orderNo }).update({ status: 'creating' });
    await sandboxSettings(ctx.env.paymentBaseUrl, { down: true });
    try {
      await expect(payments.createOrder(feeOf(registrationNo))).rejects.toMatchObject({ name: 'PaymentUnavailableError' });
    } finally {
      await sandboxSettings(ctx.env.paymentBaseUrl, { down: false });
    }
    expect((await ctx.db('payment_orders').where({ merchant_order_no: order.orderNo }).first()).status).toBe('creating');
    await payments.createOrder(feeOf(registrationNo));
    expect((await ctx.db('payment_orders').where({ merchant_order_no: order.orderNo }).first()).status).toBe('waiting');
  });

  it('M16 past the deadline: the timer withdraws the registration and closes the order', async () => {
    const code = `D${String(Date.now()).slice(-6)}`;
    const examId = await createStandardExam(ctx.db, { code, name: `${code} 缴费截止测试`, shortName: code, publish: true });
    // Registration closes in 8 s and payment 2 s later: time to apply, then the deadline passes.
    await ctx.db('exams').where({ id: examId }).update({ registration_end: new Date(Date.now() + 8_000), payment_deadline: new Date(Date.now() + 10_000) });
    const { agent, registrationNo, order, instanceId } = await awaitingPayment('expire', {}, { examId });
    await eventually(async () => (await statusOf(agent, registrationNo)) === 'cancelled', 'the deadline to pass', 45_000);
    await eventually(async () => (await activities(instanceId)).includes('End_Expired'), 'the expired end');
    expect((await sandboxOrder(ctx.env.paymentBaseUrl, order.orderNo!)).order.status).toBe('closed');
    expect((await agent.get(`/api/registrations/${registrationNo}`)).body.statusLabel).toBe('逾期未缴费，视为放弃');
    expect((await agent.post(`/api/registrations/${registrationNo}/payment/pay`)).status).toBe(409);
  }, 60_000);

  it('M16 a payment that arrives after the deadline is refunded automatically and the candidate told why', async () => {
    const { agent, registrationNo, order, registrationId } = await awaitingPayment('late');
    await sandboxSettings(ctx.env.paymentBaseUrl, { dropCallbacks: true });
    try {
      await sandboxPay(ctx.env.paymentBaseUrl, order.orderNo!);
    } finally {
      await sandboxSettings(ctx.env.paymentBaseUrl, { dropCallbacks: false });
    }
    // The deadline step runs before anything learnt of the payment: closing is refused, the payment is late.
    await payments.expire(feeOf(registrationNo));
    expect(await statusOf(agent, registrationNo)).toBe('cancelled');
    const view = (await agent.get(`/api/registrations/${registrationNo}/payment`)).body as PaymentView;
    expect(view).toMatchObject({ status: 'refunded', refund: { status: 'refunded' } });
    expect((await sandboxOrder(ctx.env.paymentBaseUrl, order.orderNo!)).order.status).toBe('refunded');
    const timeline = JSON.stringify((await agent.get(`/api/registrations/${registrationNo}/timeline`)).body);
    expect(timeline).toContain('报名费已退回');
    expect(timeline).toContain('缴费截止');
    expect(await credits(registrationId)).toBe(0);
  });

  it('S1 another candidate cannot see, pay or download the receipt of someone else\'s registration', async () => {
    const { registrationNo } = await awaitingPayment('owner');
    const { agent: intruder } = await newCandidate(ctx, 'pay-intruder');
    await expectNoAccess(intruder, [
      { method: 'get', path: `/api/registrations/${registrationNo}/payment` },
      { method: 'post', path: `/api/registrations/${registrationNo}/payment/pay` },
      { method: 'get', path: `/api/registrations/${registrationNo}/receipt.pdf` },
    ]);
  });
});
