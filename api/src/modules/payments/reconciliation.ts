import type { ReconciliationItemKind } from '../../contracts/payment-admin';
import type { StatementEntry } from '../../integrations/payment/payment-platform';
import { beijingDate } from '../../integrations/wire-formats';

/** An order as this system holds it (any status). */
export interface LocalOrder {
  id: number;
  merchantOrderNo: string;
  tradeNo: string | null;
  amountFen: number;
  status: 'creating' | 'waiting' | 'paid' | 'closed' | 'refunded';
  paidAt: Date | null;
}

/** A refund as this system holds it (any status). */
export interface LocalRefund {
  merchantRefundNo: string;
  merchantOrderNo: string;
  paymentOrderId: number;
  amountFen: number;
  status: 'requested' | 'approved' | 'rejected' | 'refunded' | 'failed';
  refundedAt: Date | null;
}

export interface Mismatch {
  kind: ReconciliationItemKind;
  /** `kind:order:refund`: the same mismatch found by a later run is the same item. */
  key: string;
  merchantOrderNo: string;
  merchantRefundNo: string | null;
  tradeNo: string | null;
  paymentOrderId: number | null;
  platformAmountFen: number | null;
  localAmountFen: number | null;
  localStatus: string | null;
  platformTime: Date | null;
}

const credited = new Set<LocalOrder['status']>(['paid', 'refunded']);

/**
 * Compares the platform's statement of one Beijing day with this system's records. `orders` and
 * `refunds` must hold everything the statement names and everything recorded here for that day
 * (paid orders by `paidAt`, refunded refunds by `refundedAt`); anything else in them is ignored.
 *
 * - paid there, not credited here (unknown, waiting or closed here)      → missing-local
 * - credited here for that day, no payment there                         → missing-remote
 * - both, different amounts                                              → amount-mismatch
 * - the same three for refunds, matched by our merchant refund number.
 * An order both sides hold as paid matches even if the two times fall on different days: the
 * statement lists it under the platform's payment time, and that is the time this system stores.
 */
export function findMismatches(billDate: string, entries: readonly StatementEntry[], orders: readonly LocalOrder[], refunds: readonly LocalRefund[]): Mismatch[] {
  const ordersByNo = new Map(orders.map((o) => [o.merchantOrderNo, o]));
  const refundsByNo = new Map(refunds.map((r) => [r.merchantRefundNo, r]));
  const paidThere = new Map<string, StatementEntry>();
  const refundedThere = new Map<string, StatementEntry>();
  for (const e of entries) {
    if (e.type === 'pay') paidThere.set(e.merchantOrderNo, e);
    else if (e.merchantRefundNo) refundedThere.set(e.merchantRefundNo, e);
  }
  const out: Mismatch[] = [];
  const add = (m: Omit<Mismatch, 'key'>) => out.push({ ...m, key: `${m.kind}:${m.merchantOrderNo}:${m.merchantRefundNo ?? ''}` });

  for (const e of paidThere.values()) {
    const local = ordersByNo.get(e.merchantOrderNo);
    const base = { merchantOrderNo: e.merchantOrderNo, merchantRefundNo: null, tradeNo: e.tradeNo, paymentOrderId: local?.id ?? null, platformAmountFen: e.amountFen, localAmountFen: local?.amountFen ?? null, localStatus: local?.status ?? null, platformTime: e.time };
    if (!local || !credited.has(local.status)) add({ kind: 'missing-local', ...base });
    else if (local.amountFen !== e.amountFen) add({ kind: 'amount-mismatch', ...base });
  }
  for (const o of orders) {
    if (!credited.has(o.status) || !o.paidAt || beijingDate(o.paidAt) !== billDate || paidThere.has(o.merchantOrderNo)) continue;
    add({ kind: 'missing-remote', merchantOrderNo: o.merchantOrderNo, merchantRefundNo: null, tradeNo: o.tradeNo, paymentOrderId: o.id, platformAmountFen: null, localAmountFen: o.amountFen, localStatus: o.status, platformTime: null });
  }

  for (const e of refundedThere.values()) {
    const local = refundsByNo.get(e.merchantRefundNo!);
    const order = ordersByNo.get(e.merchantOrderNo);
    const base = {
      merchantOrderNo: e.merchantOrderNo,
      merchantRefundNo: e.merchantRefundNo,
      tradeNo: e.tradeNo,
      paymentOrderId: local?.paymentOrderId ?? order?.id ?? null,
      platformAmountFen: e.amountFen,
      localAmountFen: local?.amountFen ?? null,
      localStatus: local?.status ?? null,
      platformTime: e.time,
    };
    if (!local || local.status !== 'refunded') add({ kind: 'refund-missing-local', ...base });
    else if (local.amountFen !== e.amountFen) add({ kind: 'refund-amount-mismatch', ...base });
  }
  for (const r of refunds) {
    if (r.status !== 'refunded' || !r.refundedAt || beijingDate(r.refundedAt) !== billDate || refundedThere.has(r.merchantRefundNo)) continue;
    const order = ordersByNo.get(r.merchantOrderNo);
    add({
      kind: 'refund-missing-remote',
      merchantOrderNo: r.merchantOrderNo,
      merchantRefundNo: r.merchantRefundNo,
      tradeNo: order?.tradeNo ?? null,
      paymentOrderId: r.paymentOrderId,
      platformAmountFen: null,
      localAmountFen: r.amountFen,
      localStatus: r.status,
      platformTime: null,
    });
  }
  return out;
}

/** Totals of what this system recorded for the day, as the statement's summary counts them. */
export function localTotals(billDate: string, orders: readonly LocalOrder[], refunds: readonly LocalRefund[]): { payCount: number; payFen: number; refundCount: number; refundFen: number } {
  const paid = orders.filter((o) => credited.has(o.status) && o.paidAt && beijingDate(o.paidAt) === billDate);
  const refunded = refunds.filter((r) => r.status === 'refunded' && r.refundedAt && beijingDate(r.refundedAt) === billDate);
  return {
    payCount: paid.length,
    payFen: paid.reduce((s, o) => s + o.amountFen, 0),
    refundCount: refunded.length,
    refundFen: refunded.reduce((s, r) => s + r.amountFen, 0),
  };
}
