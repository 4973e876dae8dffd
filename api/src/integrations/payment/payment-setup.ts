import type { AppConfig } from '../../config';
import type { Sm2Service } from '../../security/sm2';
import { EReceiptPlatform } from '../ereceipt/ereceipt-platform';
import { PaymentPlatform } from './payment-platform';

/** What the API and the workers need to take payments; the same for the real platforms and their sandboxes. */
export interface PaymentDeps {
  platform: PaymentPlatform;
  receipts: EReceiptPlatform;
  notifyUrl: string;
  publicBaseUrl: string;
}

export interface PaymentEndpoints {
  paymentUrl: string;
  paymentPublicKey: string;
  eReceiptUrl: string;
  eReceiptPublicKey: string;
}

export function paymentDeps(config: Pick<AppConfig, 'payment' | 'ereceipt' | 'publicBaseUrl' | 'port'>, sm2: Sm2Service, endpoints: PaymentEndpoints): PaymentDeps {
  return {
    platform: new PaymentPlatform({
      baseUrl: endpoints.paymentUrl,
      merchantId: config.payment.merchantId,
      merchantKeyName: config.payment.merchantKeyName,
      publicKey: endpoints.paymentPublicKey,
      sm2,
    }),
    receipts: new EReceiptPlatform({
      baseUrl: endpoints.eReceiptUrl,
      appId: config.ereceipt.appId,
      appSecret: config.ereceipt.appSecret,
      publicKey: endpoints.eReceiptPublicKey,
      sm2,
    }),
    notifyUrl: config.payment.notifyUrl ?? `http://127.0.0.1:${config.port}/api/payments/callback`,
    publicBaseUrl: config.publicBaseUrl,
  };
}

/** The endpoints from the environment (the worker process gets them from `npm start`); undefined when not configured. */
export function paymentEndpointsFromEnv(env: NodeJS.ProcessEnv): PaymentEndpoints | undefined {
  const { PAYMENT_BASE_URL, PAYMENT_PUBLIC_KEY, ERECEIPT_BASE_URL, ERECEIPT_PUBLIC_KEY } = env;
  if (!PAYMENT_BASE_URL || !PAYMENT_PUBLIC_KEY || !ERECEIPT_BASE_URL || !ERECEIPT_PUBLIC_KEY) return undefined;
  return { paymentUrl: PAYMENT_BASE_URL, paymentPublicKey: PAYMENT_PUBLIC_KEY.toLowerCase(), eReceiptUrl: ERECEIPT_BASE_URL, eReceiptPublicKey: ERECEIPT_PUBLIC_KEY.toLowerCase() };
}
