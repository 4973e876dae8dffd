import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../tests/support/test-env';
import { testPaymentDeps } from '../../../../tests/support/payment-env';
import { createFixtureTable, FIXTURE_PROCESS, FixturePermitFees } from '../../../../tests/support/fixture-case-type';
import { sandboxPay } from '../../integrations/payment/sandbox/payment-sandbox';
import { PaymentService } from './payment.service';

/** Payments are keyed by (case type, business key): a case type other than the registration takes a fee. */
describe('payable case types (M06, M16)', () => {
  let ctx: TestContext;
  let payments: PaymentService;
  const permitNo = `FX${Date.now()}`;
  const key = { caseType: FIXTURE_PROCESS, businessKey: permitNo };

  beforeAll(async () => {
    ctx = createTestContext();
    await createFixtureTable(ctx.db);
    await ctx.db('fixture_permits').insert({ permit_no: permitNo, applicant: '测试申请人' });
    const deps = testPaymentDeps(ctx.env, ctx.security.sm2);
    payments = new PaymentService(ctx.db, ctx.engine, deps.platform, deps.receipts, deps, [new FixturePermitFees(ctx.db)]);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('M16 a fixture case type is billed, paid at the platform and credited once, under its own case key', async () => {
    const order = await payments.createOrder(key);
    expect((await payments.createOrder(key)).merchantOrderNo).toBe(order.merchantOrderNo);
    const rows = await ctx.db('payment_orders').where({ case_type: FIXTURE_PROCESS, business_key: permitNo });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ amount_fen: 5000, subject: '许可申请费（测试）', status: 'waiting' });

    await sandboxPay(ctx.env.paymentBaseUrl, order.merchantOrderNo);
    expect(await payments.reconcileOrder(key)).toBe('paid');
    expect(await payments.reconcileOrder(key)).toBe('paid');
    const permit = await ctx.db('fixture_permits').where({ permit_no: permitNo }).first<{ fee_status: string; events: Array<{ kind: string }> }>();
    expect(permit.fee_status).toBe('paid');
    expect(permit.events.map((e) => e.kind)).toEqual(['payment-due', 'paid']);
    expect((await payments.view(key)).status).toBe('paid');
    // An unregistered case type takes no payment.
    await expect(payments.createOrder({ caseType: 'no-such-case', businessKey: permitNo })).rejects.toThrow('takes no payment');
  });
});
