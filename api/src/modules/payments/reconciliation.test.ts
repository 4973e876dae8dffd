import { describe, expect, it } from 'vitest';
import type { StatementEntry } from '../../integrations/payment/payment-platform';
import { findMismatches, localTotals, type LocalOrder, type LocalRefund } from './reconciliation';

const day = '2026-03-10';
const at = (hhmm: string, date = day) => new Date(`${date}T${hhmm}:00+08:00`);
const pay = (no: string, amountFen: number, time = at('10:00')): StatementEntry => ({ type: 'pay', time, tradeNo: `T${no}`, merchantOrderNo: no, amountFen, refundNo: null, merchantRefundNo: null, subject: '报名费' });
const refundEntry = (no: string, refundNo: string, amountFen: number): StatementEntry => ({ type: 'refund', time: at('15:00'), tradeNo: `T${no}`, merchantOrderNo: no, amountFen, refundNo: `R${refundNo}`, merchantRefundNo: refundNo, subject: '报名费' });
let nextId = 1;
const order = (no: string, amountFen: number, status: LocalOrder['status'], paidAt: Date | null = at('10:00')): LocalOrder => ({ id: nextId++, merchantOrderNo: no, tradeNo: `T${no}`, amountFen, status, paidAt });
const localRefund = (no: string, refundNo: string, amountFen: number, status: LocalRefund['status'], refundedAt: Date | null = at('15:00')): LocalRefund => ({ merchantRefundNo: refundNo, merchantOrderNo: no, paymentOrderId: 0, amountFen, status, refundedAt });

describe('reconciliation against the daily statement (M25)', () => {
  it('M25 matching payments and refunds give no mismatch', () => {
    const entries = [pay('JF0001', 14000), pay('JF0002', 7000), refundEntry('JF0002', 'TK00021', 7000)];
    const orders = [order('JF0001', 14000, 'paid'), order('JF0002', 7000, 'refunded')];
    expect(findMismatches(day, entries, orders, [localRefund('JF0002', 'TK00021', 7000, 'refunded')])).toEqual([]);
  });

  it('M25 paid there but not here: unknown, waiting or closed orders', () => {
    const entries = [pay('JF0010', 14000), pay('JF0011', 14000), pay('JFXXXX', 500)];
    const orders = [order('JF0010', 14000, 'waiting', null), order('JF0011', 14000, 'closed', null)];
    const found = findMismatches(day, entries, orders, []);
    expect(found.map((m) => [m.kind, m.merchantOrderNo, m.localStatus, m.paymentOrderId === null])).toEqual([
      ['missing-local', 'JF0010', 'waiting', false],
      ['missing-local', 'JF0011', 'closed', false],
      ['missing-local', 'JFXXXX', null, true],
    ]);
    expect(found[0]).toMatchObject({ key: 'missing-local:JF0010:', platformAmountFen: 14000, tradeNo: 'TJF0010' });
  });

  it('M25 credited here for the day but absent from the statement; orders paid on other days are not this day\'s', () => {
    const orders = [order('JF0020', 14000, 'paid'), order('JF0021', 14000, 'paid', at('23:59', '2026-03-09')), order('JF0022', 14000, 'waiting', null)];
    expect(findMismatches(day, [], orders, []).map((m) => [m.kind, m.merchantOrderNo, m.localAmountFen])).toEqual([['missing-remote', 'JF0020', 14000]]);
  });

  it('M25 amounts that differ, for payments and refunds', () => {
    const entries = [pay('JF0030', 14000), refundEntry('JF0031', 'TK00311', 7000)];
    const orders = [order('JF0030', 13000, 'paid'), order('JF0031', 7000, 'refunded', at('09:00'))];
    const found = findMismatches(day, entries, orders, [localRefund('JF0031', 'TK00311', 6000, 'refunded')]);
    expect(found.map((m) => [m.kind, m.platformAmountFen, m.localAmountFen])).toEqual([
      ['amount-mismatch', 14000, 13000],
      ['missing-remote', null, 7000],
      ['refund-amount-mismatch', 7000, 6000],
    ]);
  });

  it('M25 refunds made there but not recorded here, and recorded here but not made there', () => {
    const entries = [refundEntry('JF0040', 'TK00401', 14000)];
    const refunds = [localRefund('JF0040', 'TK00401', 14000, 'approved', null), localRefund('JF0041', 'TK00411', 14000, 'refunded'), localRefund('JF0042', 'TK00421', 14000, 'refunded', at('08:00', '2026-03-11'))];
    expect(findMismatches(day, entries, [], refunds).map((m) => [m.kind, m.merchantRefundNo, m.localStatus])).toEqual([
      ['refund-missing-local', 'TK00401', 'approved'],
      ['refund-missing-remote', 'TK00411', 'refunded'],
    ]);
  });

  it('M25 the local totals count what was credited and refunded on the day', () => {
    const orders = [order('JF0050', 14000, 'paid'), order('JF0051', 7000, 'refunded'), order('JF0052', 7000, 'waiting', null), order('JF0053', 7000, 'paid', at('00:00', '2026-03-11'))];
    const refunds = [localRefund('JF0051', 'TK00511', 7000, 'refunded'), localRefund('JF0050', 'TK00501', 14000, 'requested', null)];
    expect(localTotals(day, orders, refunds)).toEqual({ payCount: 2, payFen: 21000, refundCount: 1, refundFen: 7000 });
  });
});
