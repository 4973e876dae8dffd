import { describe, expect, it } from 'vitest';
import type { ReconciliationItemView, ReconciliationView } from '../../../../api/src/contracts/payment-admin';
import { ordersExportUrl } from './payment-admin.api';
import { visibleMenu } from '../../permissions';
import { consoleMenu } from '../../routes';
import { emptyOrderFilterForm, isWebAddress, orderFilterFromForm, parseYuan, reconciliationTotals, sortedItems } from './payment-admin';

describe('payment order query form (M25)', () => {
  it('M25 reads yuan amounts into fen without floating-point drift', () => {
    expect(parseYuan('')).toBeUndefined();
    expect(parseYuan(' 140 ')).toBe(14000);
    expect(parseYuan('140.5')).toBe(14050);
    expect(parseYuan('0.29')).toBe(29);
    expect(parseYuan('1.005')).toBe('invalid');
    expect(parseYuan('-1')).toBe('invalid');
    expect(parseYuan('abc')).toBe('invalid');
  });

  it('M25 builds the query the server expects, and names what it would refuse', () => {
    const form = { ...emptyOrderFilterForm(), paid: ['2026-03-01', '2026-03-31'] as [string, string], amountFrom: '70', amountTo: '140', fullName: ' 张 ' };
    expect(orderFilterFromForm(form)).toEqual({
      filter: { paidFrom: '2026-03-01', paidTo: '2026-03-31', examId: undefined, status: 'paid', amountFromFen: 7000, amountToFen: 14000, orderNo: undefined, fullName: '张', idNumber: undefined },
    });
    expect(orderFilterFromForm({ ...form, amountFrom: '1.234' })).toEqual({ problem: '最低金额应为不超过两位小数的金额（元）' });
    expect(orderFilterFromForm({ ...form, amountFrom: '200' })).toEqual({ problem: '最高金额不能低于最低金额' });
    expect(orderFilterFromForm({ ...form, idNumber: '3101' })).toEqual({ problem: '证件号码应为18位，最后一位可以是数字或X' });
  });

  it('M25 the export link carries the same conditions as the table', () => {
    expect(ordersExportUrl({ status: 'paid', amountFromFen: 7000, fullName: undefined }, { sort: 'paidAt', order: 'desc' })).toBe(
      '/api/payments/orders/export.xlsx?status=paid&amountFromFen=7000&sort=paidAt&order=desc',
    );
  });
});

const item = (id: number, status: 'open' | 'resolved'): ReconciliationItemView => ({
  id,
  kind: 'missing-local',
  kindLabel: '平台已收款，本系统未入账',
  orderNo: `JF${id}`,
  merchantRefundNo: null,
  tradeNo: null,
  registrationNo: null,
  platformAmountFen: 14000,
  localAmountFen: null,
  localStatus: null,
  platformTime: null,
  creditable: false,
  status,
  resolution: null,
  resolutionNote: null,
  resolvedBy: null,
  resolvedAt: null,
});

describe('reconciliation page (M25)', () => {
  it('M25 compares the platform totals with ours line by line', () => {
    const view: ReconciliationView = {
      billDate: '2026-03-10',
      source: 'platform',
      ranBy: 'examadmin',
      ranAt: '2026-03-11T01:00:00.000Z',
      platform: { payCount: 2, payFen: 28000, refundCount: 0, refundFen: 0 },
      local: { payCount: 1, payFen: 14000, refundCount: 0, refundFen: 0 },
      items: [],
      openCount: 0,
    };
    expect(reconciliationTotals(view)).toEqual([
      { label: '收款笔数', platform: '2', local: '1', same: false },
      { label: '收款金额', platform: '280.00元', local: '140.00元', same: false },
      { label: '退款笔数', platform: '0', local: '0', same: true },
      { label: '退款金额', platform: '0.00元', local: '0.00元', same: true },
    ]);
  });

  it('M25 links the e-receipt check page only when it is a web address', () => {
    expect(isWebAddress('https://einvoice.example/verify?no=1')).toBe(true);
    expect(isWebAddress('javascript:alert(1)')).toBe(false);
  });

  it('M25 lists open differences before resolved ones', () => {
    expect(sortedItems([item(3, 'resolved'), item(2, 'open'), item(1, 'resolved'), item(4, 'open')]).map((i) => i.id)).toEqual([2, 4, 1, 3]);
  });
});

describe('payment menu (M25)', () => {
  const entries = (permissions: Parameters<typeof visibleMenu>[1]) =>
    visibleMenu(consoleMenu, permissions)
      .filter((m) => m.title === '缴费管理')
      .flatMap((m) => (m.children ?? []).map((c) => c.title));

  it('M25 shows each payment page only to those holding its permission', () => {
    expect(entries({ permissions: ['payment:read', 'payment:refund', 'payment:approve-refund', 'payment:reconcile'] })).toEqual(['缴费订单', '待审批退款', '对账']);
    expect(entries({ permissions: ['payment:read'] })).toEqual(['缴费订单']);
    expect(entries({ permissions: ['registration:create', 'registration:read-own'] })).toEqual([]);
  });
});
