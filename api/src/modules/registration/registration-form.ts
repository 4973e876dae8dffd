import type { DocumentService, RegistrationFormData, ReviewStatus } from '../../documents/document.service';
import { educationLabels, levelLabels } from '../../contracts/registration';
import type { Db } from '../../db/knex';
import { photoService, type PhotoService } from '../photos/photo.service';
import { loadExamStructure } from '../exams/exam-structure';
import type { RegistrationDetailRow, RegistrationRepository } from './registration.repository';

const reviewStatus: Record<RegistrationDetailRow['status'], ReviewStatus> = {
  draft: 'pending',
  submitted: 'pending',
  'under-review': 'pending',
  returned: 'returned',
  approved: 'approved',
  rejected: 'rejected',
  paid: 'approved',
  cancelled: 'approved',
};

/** The 报名表 (M04): the whole form as the candidate confirmed it, with the processed photo. */
export class RegistrationFormRenderer {
  private readonly photos: PhotoService;

  constructor(
    private readonly documents: DocumentService,
    private readonly registrations: RegistrationRepository,
    private readonly db: Db,
  ) {
    this.photos = photoService(db);
  }

  async data(r: RegistrationDetailRow, now = new Date()): Promise<RegistrationFormData> {
    const [educations, work, structure, signature, photo] = await Promise.all([
      this.registrations.educations(r.id),
      this.registrations.workPeriods(r.id),
      loadExamStructure(this.db, r.exam_id),
      this.registrations.latestSignature(r.id),
      r.photo_id ? this.photos.processedImageOf(r.user_id, r.photo_id) : Promise.resolve(undefined),
    ]);
    const codes = r.subject_codes ? r.subject_codes.split(',') : [];
    const signed = signature && !signature.withdrawn_at ? signature : undefined;
    const id = r.id_number;
    return {
      registrationNumber: r.registration_no,
      photo: photo ? `data:${photo.type};base64,${photo.data.toString('base64')}` : null,
      candidate: {
        name: r.full_name,
        gender: Number(id[16]) % 2 === 1 ? 'male' : 'female',
        idNumber: id,
        birthDate: r.birth_date ?? `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
        mobile: r.phone,
        employer: r.employer,
        address: r.district ?? '（未填写）',
      },
      application: {
        examName: r.exam_name,
        level: levelLabels[r.level_code],
        major: r.major_name,
        subjects: codes.map((code) => structure?.subjects.find((s) => s.code === code)?.name ?? code),
      },
      education: educations.map((e) => ({ level: educationLabels[e.level], school: e.school, major: e.major, graduationDate: e.graduationDate })),
      workHistory: work.map((w) => ({ startDate: w.startDate, endDate: w.endDate, employer: w.employer, position: w.post })),
      safetyWorkYears: Number(r.safety_work_years),
      review: { status: reviewStatus[r.status], opinion: r.review_comment },
      commitment: signed ? { signature: `${r.full_name}（电子签名 ${signed.digest.slice(0, 16)}）`, signedAt: signed.signed_at.toISOString() } : { signature: null, signedAt: null },
      generatedAt: now.toISOString(),
    };
  }

  async render(r: RegistrationDetailRow): Promise<Buffer> {
    return this.documents.renderPdf('registration-form', await this.data(r));
  }
}
