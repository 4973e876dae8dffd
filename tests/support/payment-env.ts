import type { Sm2Service } from '../../api/src/security/sm2';
import { paymentDeps, type PaymentDeps } from '../../api/src/integrations/payment/payment-setup';

/** The payment and e-receipt sandboxes of a test run, and who we are at them. */
export interface PaymentTestEnv {
  paymentBaseUrl: string;
  paymentPublicKey: string;
  paymentMerchantId: string;
  /** Where the run's payment callbacks go: the global setup serves our callback route there. */
  paymentNotifyUrl: string;
  eReceiptBaseUrl: string;
  eReceiptPublicKey: string;
  eReceiptAppId: string;
  eReceiptAppSecret: string;
}

/** The same wiring `npm start` does, pointed at the run's sandboxes. */
export function testPaymentDeps(env: PaymentTestEnv, sm2: Sm2Service): PaymentDeps {
  return paymentDeps(
    {
      payment: { baseUrl: env.paymentBaseUrl, merchantId: env.paymentMerchantId, merchantKeyName: 'payment-merchant', publicKey: env.paymentPublicKey, notifyUrl: env.paymentNotifyUrl, sandboxPort: 0, queryCycle: 'R/PT5S' },
      ereceipt: { baseUrl: env.eReceiptBaseUrl, appId: env.eReceiptAppId, appSecret: env.eReceiptAppSecret, publicKey: env.eReceiptPublicKey, sandboxPort: 0 },
      publicBaseUrl: 'http://127.0.0.1',
      port: 0,
    },
    sm2,
    { paymentUrl: env.paymentBaseUrl, paymentPublicKey: env.paymentPublicKey, eReceiptUrl: env.eReceiptBaseUrl, eReceiptPublicKey: env.eReceiptPublicKey },
  );
}
