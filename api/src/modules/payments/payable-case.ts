import type { Knex } from 'knex';
import type { Db } from '../../db/knex';

/** The case an order is for: the case type and the case's number, as deliveries are keyed. */
export interface CaseKey {
  caseType: string;
  businessKey: string;
}

/** One line of the fiscal e-receipt (their sum is the amount; else the receipt has one line). */
export interface ReceiptItem {
  code: string;
  name: string;
  quantity: number;
  unitPriceFen: number;
  amountFen: number;
}

/** What a case owes, by when, and where it stands, as the module that owns the case says. */
export interface Bill {
  amountFen: number;
  /** The order's subject at the platform (报名费 of which exam). */
  subject: string;
  /** Payments after it are refunded. */
  deadline: Date;
  /** payable: waiting for this fee; paid: the case recorded it; closed: it takes no payment (withdrawn, expired). */
  state: 'payable' | 'paid' | 'closed';
  payerName: string;
  receiptItems: ReceiptItem[];
  /** The console page the payer returns to from the cashier. */
  returnPath: string;
}

/** An entry of the case's timeline that a payment step writes (once per idempotency key). */
export interface PaymentEvent {
  kind: string;
  title: string;
  detail: string;
  idempotencyKey: string;
}

/**
 * A case type that takes a fee (考试报名 today). The payments module orders, credits, expires and
 * refunds through this and knows no case type by name.
 */
export interface PayableCase {
  readonly caseType: string;
  /** The engine message that tells the case its fee arrived. */
  readonly paidMessage: string;
  bill(businessKey: string): Promise<Bill | null>;
  /** In the caller's transaction: the case takes the payment (true), or no longer takes one (false: refund). */
  markPaid(trx: Knex.Transaction, businessKey: string): Promise<boolean>;
  /** In the caller's transaction: the deadline passed unpaid; true when the case was still waiting. */
  markExpired(trx: Knex.Transaction, businessKey: string): Promise<boolean>;
  record(q: Db | Knex.Transaction, businessKey: string, event: PaymentEvent): Promise<void>;
}
