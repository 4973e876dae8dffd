import type { z } from 'zod';
import type { PaymentService } from '../../../api/src/modules/payments/payment.service';
import { examRegistrationFlow } from '../../../api/src/contracts/flows/exam-registration';
import type { TopicHandler } from '../task-client';

const { topics } = examRegistrationFlow;
type HandlerOf<T extends keyof typeof topics> = TopicHandler<(typeof topics)[T]['input'], z.infer<(typeof topics)[T]['output']>>;
/** The fee this flow's steps are about: its registration's. */
const feeOf = (registrationNo: string) => ({ caseType: examRegistrationFlow.processKey, businessKey: registrationNo });

/** 生成缴费订单: one order per registration (idempotent); the case learns the deadline and whether it is paid already. */
export function paymentOrderHandler(payments: PaymentService): HandlerOf<'payment-order'> {
  return {
    topic: 'payment-order',
    variables: topics['payment-order'].input,
    async handle(task) {
      const order = await payments.createOrder(feeOf(task.variables.registrationNo));
      return { kind: 'complete', variables: { paymentDeadline: order.paymentDeadline, alreadyPaid: order.alreadyPaid, paymentOrderNo: order.merchantOrderNo } };
    },
  };
}

/** 查询支付结果: when no callback came, the platform is asked; a payment found is credited and the case told. */
export function paymentQueryHandler(payments: PaymentService): HandlerOf<'payment-query'> {
  return {
    topic: 'payment-query',
    variables: topics['payment-query'].input,
    // A query that fails is simply tried at the next cycle.
    retries: 0,
    async handle(task) {
      await payments.reconcileOrder(feeOf(task.variables.registrationNo), 'query');
      return { kind: 'complete' };
    },
  };
}

/** 逾期未缴费处理: closes the order, withdraws the registration; a payment found meanwhile is refunded. */
export function paymentExpireHandler(payments: PaymentService): HandlerOf<'payment-expire'> {
  return {
    topic: 'payment-expire',
    variables: topics['payment-expire'].input,
    async handle(task) {
      await payments.expire(feeOf(task.variables.registrationNo));
      return { kind: 'complete' };
    },
  };
}

/** 开具财政电子票据: once per paid order. */
export function eReceiptHandler(payments: PaymentService): HandlerOf<'e-receipt'> {
  return {
    topic: 'e-receipt',
    variables: topics['e-receipt'].input,
    async handle(task) {
      await payments.issueReceipt(feeOf(task.variables.registrationNo));
      return { kind: 'complete' };
    },
  };
}
