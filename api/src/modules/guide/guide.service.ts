import type { CurrentUser } from '../../contracts/auth';
import type { ExamGuideContent, ExamGuideView, GuideConfirmation } from '../../contracts/guide';
import type { DocumentService } from '../../documents/document.service';
import { conflict, notFound } from '../../http/errors';
import type { ExamRow, ExamService } from '../exams/exam.service';
import { buildGuideContent, guideSettings, guideVersion, type GuideSettings } from './guide-content';
import type { ExamStructure } from '../exams/exam-structure';
import type { Db } from '../../db/knex';
import { GuideRepository, type GuideConfirmationRow } from './guide.repository';

const messages = {
  notFound: '考试不存在或尚未发布',
  changed: '报考指南已更新，请重新阅读后再确认',
};

function toConfirmation(row: GuideConfirmationRow): GuideConfirmation {
  return { examId: row.exam_id, version: row.guide_version, confirmedAt: row.confirmed_at.toISOString() };
}

/** The fees the exam publishes (M21): the public subject's and a major's practice subject's, in yuan. */
function withExamFees(settings: Readonly<GuideSettings>, structure: ExamStructure | undefined): Readonly<GuideSettings> {
  const law = structure?.subjects.find((s) => s.majorCode === null);
  const practice = structure?.subjects.find((s) => s.majorCode !== null);
  return {
    ...settings,
    subjects: {
      law: law ? { ...settings.subjects.law, fee: law.feeFen / 100 } : settings.subjects.law,
      practice: practice ? { ...settings.subjects.practice, fee: practice.feeFen / 100 } : settings.subjects.practice,
    },
  };
}

/** 考试报考指南 (M02) and its reading confirmation (M10). */
export class GuideService {
  constructor(
    private readonly exams: Pick<ExamService, 'findById' | 'majorsOf' | 'structure'>,
    private readonly guides: GuideRepository,
    private readonly documents: DocumentService,
    private readonly settings: Readonly<GuideSettings> = guideSettings,
  ) {}

  /** The guide of a published exam with its version. */
  async content(examId: number): Promise<{ exam: ExamRow; content: ExamGuideContent; version: string }> {
    const exam = await this.exams.findById(examId);
    if (!exam || exam.status !== 'published') throw notFound(messages.notFound);
    const majors = ((await this.exams.majorsOf([exam.id])).get(exam.id) ?? []).map((m) => m.name);
    const content = buildGuideContent(exam, majors, withExamFees(this.settings, await this.exams.structure(exam.id)));
    return { exam, content, version: guideVersion(content) };
  }

  /** M10: whether the user confirmed having read the exam's guide (registration requires it). */
  hasConfirmed(userId: number, examId: number): Promise<boolean> {
    return this.guides.hasConfirmed(userId, examId);
  }

  async view(user: CurrentUser, examId: number): Promise<ExamGuideView> {
    const { content, version } = await this.content(examId);
    const latest = await this.guides.latest(user.id, examId);
    return { ...content, examId, version, confirmation: latest ? toConfirmation(latest) : null };
  }

  async pdf(examId: number, now = new Date()): Promise<{ pdf: Buffer; exam: ExamRow }> {
    const { exam, content, version } = await this.content(examId);
    const pdf = await this.documents.renderPdf('exam-guide', { ...content, version, generatedAt: now.toISOString() });
    return { pdf, exam };
  }

  /** Records that the user read and confirmed this version of the guide; again: the first record. */
  async confirm(user: CurrentUser, examId: number, version: string, now = new Date()): Promise<GuideConfirmation> {
    const current = await this.content(examId);
    if (current.version !== version) throw conflict('GUIDE_CHANGED', messages.changed, 'version');
    return toConfirmation(await this.guides.confirm(user.id, examId, version, now));
  }
}

/** The guide confirmations of this database (M10), for modules that require one (registration). */
export const guideConfirmations = (db: Db): Pick<GuideService, 'hasConfirmed'> => new GuideRepository(db);
