import type { DocumentService, RegistrationFormData, ReviewStatus } from '../../documents/document.service';
import { levelLabels } from '../../contracts/registration';
import type { RegistrationDetailRow } from './registration.repository';

const reviewStatus: Record<RegistrationDetailRow['status'], ReviewStatus> = {
  submitted: 'pending',
  'under-review': 'pending',
  approved: 'approved',
  rejected: 'rejected',
};

/** Subjects of a level (DOMAIN.md): 考全科 sits both, 考增项 the practice subject only. */
const subjectsOfLevel: Record<RegistrationDetailRow['level_code'], string[]> = {
  full: ['安全生产法律法规', '安全生产实务'],
  additional: ['安全生产实务'],
  single: ['安全生产实务'],
};

/** The 报名表 (M04) data of a registration; gender and birth date come from the ID number. */
export function registrationFormData(r: RegistrationDetailRow, now = new Date()): RegistrationFormData {
  const id = r.id_number;
  return {
    registrationNumber: r.registration_no,
    photo: null,
    candidate: {
      name: r.full_name,
      gender: Number(id[16]) % 2 === 1 ? 'male' : 'female',
      idNumber: id,
      birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
      mobile: r.phone,
      employer: r.employer,
      address: '（未填写）',
    },
    application: {
      examName: r.exam_name,
      level: levelLabels[r.level_code],
      major: r.major_name,
      subjects: subjectsOfLevel[r.level_code],
    },
    education: [],
    workHistory: [],
    safetyWorkYears: Number(r.safety_work_years),
    review: { status: reviewStatus[r.status], opinion: r.review_comment },
    commitment: { signature: null, signedAt: null },
    generatedAt: now.toISOString(),
  };
}

export class RegistrationFormRenderer {
  constructor(private readonly documents: DocumentService) {}

  render(r: RegistrationDetailRow): Promise<Buffer> {
    return this.documents.renderPdf('registration-form', registrationFormData(r));
  }
}
