import type { Knex } from 'knex';
import type { Db } from '../../db/knex';
import { examRegistrationFlow } from '../../contracts/flows/exam-registration';
import { loadExamStructure } from '../exams/exam-structure';
import type { Bill, PayableCase, PaymentEvent } from '../payments/payable-case';
import type { RegistrationRepository } from './registration.repository';

/**
 * The exam fee (报名费) of a registration: owed once the review approved it (待缴费), by the exam's
 * payment deadline; paid moves it to 已缴费, the deadline unpaid to 已取消.
 */
export class RegistrationPayable implements PayableCase {
  readonly caseType = examRegistrationFlow.processKey;
  readonly paidMessage = examRegistrationFlow.messages.paymentConfirmed;

  constructor(
    private readonly db: Db,
    private readonly rows: RegistrationRepository,
  ) {}

  async bill(registrationNo: string): Promise<Bill | null> {
    const r = await this.rows.findByNo(registrationNo);
    if (!r) return null;
    const structure = await loadExamStructure(this.db, r.exam_id);
    if (!structure) throw new Error(`exam ${r.exam_id} not found`);
    const receiptItems = (r.subject_codes ? r.subject_codes.split(',') : []).map((code) => {
      const s = structure.subjects.find((x) => x.code === code);
      return { code: code.replace(/[^A-Za-z0-9]/g, '').slice(0, 20), name: `考试费（${s?.name ?? code}）`, quantity: 1, unitPriceFen: s?.feeFen ?? 0, amountFen: s?.feeFen ?? 0 };
    });
    return {
      amountFen: r.fee_total_fen ?? 0,
      subject: `${r.exam_name}报名费`,
      deadline: new Date(structure.exam.paymentDeadline),
      state: r.status === 'approved' ? 'payable' : r.status === 'paid' ? 'paid' : 'closed',
      payerName: r.full_name,
      receiptItems,
      returnPath: `/portal/registrations/${encodeURIComponent(registrationNo)}?paid=1`,
    };
  }

  markPaid(trx: Knex.Transaction, registrationNo: string): Promise<boolean> {
    return this.rows.transition(trx, registrationNo, ['approved'], { status: 'paid' });
  }

  markExpired(trx: Knex.Transaction, registrationNo: string): Promise<boolean> {
    return this.rows.transition(trx, registrationNo, ['approved'], { status: 'cancelled' });
  }

  async record(q: Db | Knex.Transaction, registrationNo: string, event: PaymentEvent): Promise<void> {
    const id = await this.rows.idOf(q, registrationNo);
    if (id === undefined) throw new Error(`registration ${registrationNo} not found`);
    await this.rows.addEvent(q, id, { ...event, actor: '系统' });
  }
}
