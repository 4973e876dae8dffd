import { returnableItemLabels } from '../../contracts/registration';
import { examRegistrationFlow } from '../../contracts/flows/exam-registration';
import { formatBeijingTime, formatYuan } from '../../integrations/wire-formats';
import type { ExamService } from '../exams/exam.service';
import type { Recipient, RecipientResolver } from '../notifications/recipients';
import type { RegistrationRecords } from './registration-records.service';

/** 报名 (exam registration): the candidate who applied; values from the registration and its exam. */
export class RegistrationRecipients implements RecipientResolver {
  readonly caseType = examRegistrationFlow.processKey;

  constructor(
    private readonly registrations: Pick<RegistrationRecords, 'findByNo'>,
    private readonly exams: Pick<ExamService, 'findById'>,
  ) {}

  async resolve(registrationNo: string): Promise<Recipient | null> {
    const r = await this.registrations.findByNo(registrationNo);
    if (!r) return null;
    const exam = await this.exams.findById(r.exam_id);
    const returned = (r.return_items ?? []).map((i) => `${returnableItemLabels[i.item]}：${i.note}`).join('；');
    const values: Record<string, string> = {
      name: r.full_name,
      registrationNo: r.registration_no,
      examName: r.exam_name,
      majorName: r.major_name,
      reason: returned || r.review_comment || '详见报名详情',
    };
    if (exam?.payment_deadline) values.paymentDeadline = formatBeijingTime(exam.payment_deadline).slice(0, 16);
    if (r.fee_total_fen !== null && r.fee_total_fen !== undefined) values.amount = formatYuan(Number(r.fee_total_fen));
    return { userId: r.user_id, link: `/portal/registrations/${encodeURIComponent(r.registration_no)}`, values };
  }
}
