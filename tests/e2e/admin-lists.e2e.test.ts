import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { PaymentView } from '../../api/src/contracts/payments';
import { DEMO_PASSWORD } from '../../api/src/auth/seed';
import { sandboxPay } from '../../api/src/integrations/payment/sandbox/payment-sandbox';
import { eventually, newCandidate, validApplication } from '../support/test-env';
import { choose, input, signInPage, useConsole } from '../support/browser';

const ui = useConsole();

/** A bachelor in safety work: accepted without a reviewer, so the order is placed at once. */
const bachelor = {
  educations: [{ level: 'bachelor', school: '同济大学', major: '土木工程', fullTime: true, startDate: '2010-09-01', graduationDate: '2014-07-01', certificateNo: '102471201405000321' }],
  workPeriods: [{ employer: '上海某建设集团', post: '安全员', startDate: '2014-08-01', endDate: null, safetyWork: true }],
};

function watchForFailures(page: Page, errors: string[]): void {
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  page.on('response', (r) => r.status() >= 500 && errors.push(`${r.status()} ${r.url()}`));
}

describe('admin list pages in the browser (M23, M25, G5)', () => {
  it('M23 M25 G5 an exam admin searches registrations and orders, opens their detail drawers, corrects a registration, asks for a refund and opens a message template', async () => {
    const { agent } = await newCandidate(ui.ctx, 'lists-e2e');
    const submitted = await agent.post('/api/registrations').send(await validApplication(ui.ctx, bachelor));
    expect(submitted.status).toBe(201);
    const registrationNo = submitted.body.registrationNo as string;
    const orderNo = await eventually(async () => {
      const view = (await agent.get(`/api/registrations/${registrationNo}/payment`)).body as PaymentView;
      return view.status === 'waiting' ? view.orderNo : undefined;
    }, 'the payment order');
    await sandboxPay(ui.ctx.env.paymentBaseUrl, orderNo);
    await eventually(async () => (await ui.ctx.db('payment_orders').where({ merchant_order_no: orderNo, status: 'paid' }).first('id')) ?? false, 'the callback to credit the payment');

    const context = await ui.browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    const errors: string[] = [];
    watchForFailures(page, errors);
    await signInPage(page, ui.baseUrl, 'examadmin', DEMO_PASSWORD);

    // 报名数据 (M23): a search the contract refuses is not sent; 重置; the drawer and a correction.
    await page.goto(`${ui.baseUrl}/registration-data/registrations`);
    await input(page, 'search-idNumber').fill('123');
    await page.locator('[data-test=search-submit]').click();
    await page.locator('.el-message--error').first().waitFor();
    await page.locator('[data-test=search-reset]').click();
    expect(await input(page, 'search-idNumber').inputValue()).toBe('');
    const row = page.locator('tr.registration-row', { hasText: registrationNo });
    await row.locator('[data-test=open-detail]:visible').click();
    const drawer = page.locator('[data-test=registration-detail]');
    await drawer.locator('.section-title', { hasText: '报考信息' }).waitFor();
    await drawer.locator('[data-test=open-correction]').click();
    await page.locator('[data-test=correction-submit]').click();
    await page.locator('.el-dialog .el-form-item__error').first().waitFor();
    await input(page, 'correction-employer').fill('上海某建设集团有限公司');
    await page.locator('textarea[data-test=correction-reason]').fill('考生来电，单位名称核对后更正');
    await page.locator('[data-test=correction-submit]').click();
    await page.locator('.el-message', { hasText: '报名信息已更正' }).waitFor();
    await drawer.locator('[data-test=correction-history] .el-table__row', { hasText: '上海某建设集团有限公司' }).waitFor();
    await page.keyboard.press('Escape');

    // 缴费订单 (M25): paid orders by default; other states on request; the drawer asks for a refund.
    await page.goto(`${ui.baseUrl}/payments/orders`);
    const order = page.locator('.el-table__row', { hasText: registrationNo }).first();
    await order.waitFor();
    expect(await page.locator('[data-test=order-export]').getAttribute('href')).toContain('status=paid');
    await choose(page, 'order-status', '待支付');
    await page.locator('[data-test=order-search]').click();
    await order.waitFor({ state: 'detached' });
    await page.locator('[data-test=order-reset]').click();
    await order.locator('[data-test=order-detail]:visible').click();
    const orderDrawer = page.locator('[data-test=order-detail-drawer]');
    await orderDrawer.locator('.section-title', { hasText: '支付平台通知' }).waitFor();
    expect(await orderDrawer.textContent()).toContain(registrationNo);
    await orderDrawer.locator('[data-test=open-refund]').click();
    await page.locator('[data-test=refund-submit]').click();
    await page.locator('.el-dialog .el-form-item__error').first().waitFor();
    await page.locator('textarea[data-test=refund-reason]').fill('考试场地调整，行政取消全额退款');
    await page.locator('[data-test=refund-submit]').click();
    await page.locator('.el-message', { hasText: '退款申请已提交' }).waitFor();
    await page.keyboard.press('Escape');

    // 待审批退款: the requester may not decide their own request (four eyes).
    await page.goto(`${ui.baseUrl}/payments/refunds`);
    const refund = page.locator('.el-table__row', { hasText: orderNo }).first();
    await refund.locator('[data-test=refund-reject]:visible').click();
    await page.locator('.el-dialog', { hasText: '这是您本人提出的申请' }).waitFor();
    expect(await page.locator('[data-test=decision-submit]').isDisabled()).toBe(true);
    expect(await page.locator('[data-test=decision-submit]').textContent()).toContain('驳回');
    await page.locator('.el-dialog__footer button', { hasText: '取消' }).click();

    // 消息模板 (G5): the edit dialog opens on the template and closes unsaved (other tests send with these templates).
    await page.goto(`${ui.baseUrl}/exam-admin/message-templates`);
    await page.locator('[data-test=message-template-list] .el-table__row').first().waitFor();
    await page.locator('[data-test^=message-template-edit-]').first().click();
    await page.locator('[data-test=message-template-preview]').waitFor();
    expect(await input(page, 'message-template-title').inputValue()).not.toBe('');
    await page.locator('.el-dialog__footer button', { hasText: '取消' }).click();
    await page.locator('[data-test=message-template-preview]').waitFor({ state: 'hidden' });

    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);
});
