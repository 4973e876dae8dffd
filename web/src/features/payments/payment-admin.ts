import type {
  PaymentOrderStatus,
  ReconciliationItemView,
  ReconciliationView,
  RefundStatus,
} from '../../../../api/src/contracts/payment-admin';
import type { PaymentOrderFilter } from './payment-admin.api';
import { orderQueryProblem } from './payment-admin.api';
import { formatFen } from '../../format';

/** el-tag colour per order status. */
export const orderStatusTagTypes: Record<PaymentOrderStatus, 'info' | 'warning' | 'success' | 'danger'> = {
  creating: 'info',
  waiting: 'warning',
  paid: 'success',
  closed: 'info',
  refunded: 'danger',
};

export const refundStatusTagTypes: Record<RefundStatus, 'info' | 'warning' | 'success' | 'danger'> = {
  requested: 'warning',
  approved: 'warning',
  rejected: 'info',
  refunded: 'success',
  failed: 'danger',
};

/**
 * An amount typed in yuan (`140`, `140.5`, `140.50`) in fen; undefined when empty, `invalid` when it
 * is not an amount of at most two decimals. Computed on the digits, not by multiplying a float.
 */
export function parseYuan(text: string): number | undefined | 'invalid' {
  const value = text.trim();
  if (value === '') return undefined;
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(value);
  if (!m) return 'invalid';
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** The query form as the admin fills it in. */
export interface OrderFilterForm {
  paid: [string, string] | null;
  examId: number | undefined;
  status: PaymentOrderStatus | '';
  amountFrom: string;
  amountTo: string;
  orderNo: string;
  fullName: string;
  idNumber: string;
}

/** The default form: paid orders, any date. */
export const emptyOrderFilterForm = (): OrderFilterForm => ({ paid: null, examId: undefined, status: 'paid', amountFrom: '', amountTo: '', orderNo: '', fullName: '', idNumber: '' });

/** The query for a filled-in form, or the first problem with it (in the server's words where the contract has them). */
export function orderFilterFromForm(form: OrderFilterForm): { filter: PaymentOrderFilter } | { problem: string } {
  const amountFromFen = parseYuan(form.amountFrom);
  const amountToFen = parseYuan(form.amountTo);
  if (amountFromFen === 'invalid') return { problem: '最低金额应为不超过两位小数的金额（元）' };
  if (amountToFen === 'invalid') return { problem: '最高金额应为不超过两位小数的金额（元）' };
  const text = (value: string) => value.trim() || undefined;
  const filter: PaymentOrderFilter = {
    paidFrom: form.paid?.[0],
    paidTo: form.paid?.[1],
    examId: form.examId,
    status: form.status || undefined,
    amountFromFen,
    amountToFen,
    orderNo: text(form.orderNo),
    fullName: text(form.fullName),
    idNumber: text(form.idNumber),
  };
  const problem = orderQueryProblem(filter);
  return problem ? { problem } : { filter };
}

/** An amount that may be missing on one side of a mismatch. */
export const fenOrDash = (fen: number | null): string => (fen === null ? '—' : formatFen(fen));

/** The run's totals side by side, and whether they agree. */
export function reconciliationTotals(view: ReconciliationView): Array<{ label: string; platform: string; local: string; same: boolean }> {
  const p = view.platform;
  const l = view.local;
  return [
    { label: '收款笔数', platform: String(p.payCount), local: String(l.payCount), same: p.payCount === l.payCount },
    { label: '收款金额', platform: formatFen(p.payFen), local: formatFen(l.payFen), same: p.payFen === l.payFen },
    { label: '退款笔数', platform: String(p.refundCount), local: String(l.refundCount), same: p.refundCount === l.refundCount },
    { label: '退款金额', platform: formatFen(p.refundFen), local: formatFen(l.refundFen), same: p.refundFen === l.refundFen },
  ];
}

/** Open items first, then resolved ones, each in the order found. */
export function sortedItems(items: readonly ReconciliationItemView[]): ReconciliationItemView[] {
  return [...items].sort((a, b) => (a.status === b.status ? a.id - b.id : a.status === 'open' ? -1 : 1));
}

/** Only http(s) addresses become links (a `javascript:` address from data must never run). */
export const isWebAddress = (url: string): boolean => /^https?:\/\//i.test(url);
