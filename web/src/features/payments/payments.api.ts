import { z } from 'zod';
import { paymentView, type PaymentView } from '../../../../api/src/contracts/payments';
import { getJson, postJson } from '../../api/http';

const one = (registrationNo: string) => `/api/registrations/${encodeURIComponent(registrationNo)}`;

const payStart = z.object({ payUrl: z.string() });

/**
 * The fee of one's registration (M16): order state, e-receipt, refund. `returned` after coming back
 * from the cashier makes the API ask the platform, so the page is right even before its callback.
 */
export function getPayment(registrationNo: string, returned = false): Promise<PaymentView> {
  return getJson(`${one(registrationNo)}/payment${returned ? '?returned=1' : ''}`, paymentView);
}

/** 去缴费: the platform's cashier page for the registration's order; the browser goes there. */
export async function startPayment(registrationNo: string): Promise<string> {
  return (await postJson(`${one(registrationNo)}/payment/pay`, undefined, payStart)).payUrl;
}

/** The fiscal e-receipt (财政电子票据) as a PDF attachment. */
export function receiptPdfUrl(registrationNo: string): string {
  return `${one(registrationNo)}/receipt.pdf`;
}
