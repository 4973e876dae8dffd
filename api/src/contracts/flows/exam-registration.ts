import { z } from 'zod';
import { returnItem } from '../registration';
import { defineFlow } from './flow';
import { notifyTopic } from './notify-topic';

const byRegistration = z.object({ registrationNo: z.string() });
const nothing = z.object({});

/** 考试报名 (processes/exam-registration.bpmn); the business key is the registration number. */
export const examRegistrationFlow = defineFlow({
  processKey: 'exam-registration',
  activities: {
    eligibility: 'Task_Eligibility',
    /** 资格审核: decided with its own dialog, the only step bulk approve takes. */
    qualificationReview: 'Task_QualificationReview',
    recordReviewOutcome: 'Task_RecordReviewOutcome',
    notifyReturned: 'Notify_Returned',
    /** 考生修改报名信息: completed when the candidate resubmits. */
    candidateCorrection: 'Task_CandidateCorrection',
    paymentOrder: 'Task_PaymentOrder',
    awaitPayment: 'Task_AwaitPayment',
  },
  messages: {
    /** Correlated by the payment callback, the payer's return or the query step. */
    paymentConfirmed: 'payment-confirmed',
    /** The candidate withdraws the confirmation before paying. */
    registrationWithdrawn: 'registration-withdrawn',
  },
  startVariables: z.object({
    registrationNo: z.string().min(1),
    /** Names the reviewers' candidate group (`exam-reviewer-<examCode>`). */
    examCode: z.string().min(1),
    /** The assignee of the correction task. */
    candidateUsername: z.string().min(1),
    /** ISO 8601 repeating interval of the payment query timer (default `R/PT2M`). */
    paymentQueryCycle: z.string().min(1).optional(),
  }),
  topics: {
    /** 报考条件判定: the engine's DMN decisions on the stored form. */
    'eligibility-decision': { input: byRegistration, output: z.object({ eligible: z.boolean(), manualReview: z.boolean() }) },
    /** 记录审核结果: the reviewer's decision (the review task's completion variables). */
    'registration-review-outcome': {
      input: z.object({
        registrationNo: z.string(),
        reviewDecision: z.enum(['approve', 'reject', 'return']),
        reviewComment: z.string().nullable().optional(),
        /** JSON of the items marked for correction (退回). */
        returnItems: z
          .string()
          .nullable()
          .optional()
          .transform((text) => (text ? z.array(returnItem).parse(JSON.parse(text)) : [])),
        reviewerUsername: z.string(),
        reviewerName: z.string(),
      }),
      output: nothing,
    },
    /** 生成缴费订单: the deadline (ISO 8601, read by the deadline timer) and whether it is paid already. */
    'payment-order': { input: byRegistration, output: z.object({ paymentDeadline: z.string(), alreadyPaid: z.boolean(), paymentOrderNo: z.string() }) },
    'payment-query': { input: byRegistration, output: nothing },
    'payment-expire': { input: byRegistration, output: nothing },
    'e-receipt': { input: byRegistration, output: nothing },
    notify: notifyTopic,
  },
});
