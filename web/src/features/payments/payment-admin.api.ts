import {
  paymentOrderDetail,
  paymentOrderOptions,
  paymentOrderPage,
  paymentOrderQuery,
  reconciliationRunList,
  reconciliationView,
  refundPage,
  refundView,
  type PaymentOrderDetail,
  type PaymentOrderOptions,
  type PaymentOrderPage,
  type PaymentOrderQuery,
  type ReconciliationRunList,
  type ReconciliationView,
  type RefundListQuery,
  type RefundPage,
  type RefundView,
} from '../../../../api/src/contracts/payment-admin';
import { getJson, postBinary, postJson, queryString } from '../../api/http';

const base = '/api/payments';

/** The filter part of an order query (without paging and sorting). */
export type PaymentOrderFilter = Pick<PaymentOrderQuery, 'paidFrom' | 'paidTo' | 'examId' | 'status' | 'amountFromFen' | 'amountToFen' | 'orderNo' | 'fullName' | 'idNumber'>;
export type PaymentOrderPaging = Pick<PaymentOrderQuery, 'page' | 'pageSize' | 'sort' | 'order'>;

/** The first reason the server would refuse this query (checked against the contract), or null. */
export function orderQueryProblem(filter: PaymentOrderFilter): string | null {
  const parsed = paymentOrderQuery.safeParse(Object.fromEntries(new URLSearchParams(queryString(filter))));
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? '查询条件不正确');
}

export function getOrderOptions(): Promise<PaymentOrderOptions> {
  return getJson(`${base}/orders/options`, paymentOrderOptions);
}

export function searchOrders(filter: PaymentOrderFilter, paging: PaymentOrderPaging): Promise<PaymentOrderPage> {
  return getJson(`${base}/orders?${queryString({ ...filter, ...paging })}`, paymentOrderPage);
}

/** The workbook is downloaded by the browser itself (a link), so the session cookie goes with it. */
export function ordersExportUrl(filter: PaymentOrderFilter, sort: Pick<PaymentOrderQuery, 'sort' | 'order'>): string {
  return `${base}/orders/export.xlsx?${queryString({ ...filter, ...sort })}`;
}

const order = (orderNo: string) => `${base}/orders/${encodeURIComponent(orderNo)}`;

export function getOrderDetail(orderNo: string): Promise<PaymentOrderDetail> {
  return getJson(order(orderNo), paymentOrderDetail);
}

/** 申请退款: full amount, with the reason; another admin approves it. */
export function requestRefund(orderNo: string, reason: string): Promise<RefundView> {
  return postJson(`${order(orderNo)}/refunds`, { reason }, refundView);
}

export function listRefunds(query: RefundListQuery): Promise<RefundPage> {
  return getJson(`${base}/refunds?${queryString(query)}`, refundPage);
}

const refund = (id: number) => `${base}/refunds/${encodeURIComponent(String(id))}`;

export function approveRefund(id: number, comment: string): Promise<RefundView> {
  return postJson(`${refund(id)}/approve`, comment.trim() ? { comment } : {}, refundView);
}

export function rejectRefund(id: number, comment: string): Promise<RefundView> {
  return postJson(`${refund(id)}/reject`, { comment }, refundView);
}

export function retryRefund(id: number): Promise<RefundView> {
  return postJson(`${refund(id)}/retry`, {}, refundView);
}

export function listReconciliations(): Promise<ReconciliationRunList> {
  return getJson(`${base}/reconciliations`, reconciliationRunList);
}

export function getReconciliation(billDate: string): Promise<ReconciliationView> {
  return getJson(`${base}/reconciliations/${encodeURIComponent(billDate)}`, reconciliationView);
}

/** 对账: fetches the day's statement from the platform and compares. */
export function reconcile(billDate: string): Promise<ReconciliationView> {
  return postJson(`${base}/reconciliations`, { billDate }, reconciliationView);
}

/** 对账 with a statement file downloaded from the platform (sent as the request body). */
export function reconcileUpload(billDate: string, file: Blob): Promise<ReconciliationView> {
  // Sent as CSV whatever the browser guessed (Windows calls .csv files application/vnd.ms-excel).
  const csv = new Blob([file], { type: 'text/csv' });
  return postBinary(`${base}/reconciliations/upload?${queryString({ billDate })}`, csv, reconciliationView);
}

const item = (id: number) => `${base}/reconciliation-items/${encodeURIComponent(String(id))}`;

export function resolveItem(id: number, note: string): Promise<ReconciliationView> {
  return postJson(`${item(id)}/resolve`, { note }, reconciliationView);
}

/** 补记入账: the server asks the platform and credits the payment. */
export function creditItem(id: number, note: string): Promise<ReconciliationView> {
  return postJson(`${item(id)}/credit`, note.trim() ? { note } : {}, reconciliationView);
}
