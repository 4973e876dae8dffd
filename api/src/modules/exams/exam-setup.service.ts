import type { Db } from '../../db/knex';
import {
  DEFAULT_SUBJECT_FEE_FEN,
  levelLabels,
  type CreateLevelRequest,
  type CreateMajorRequest,
  type ExamAdminView,
  type ExamBasicRequest,
  type ExamFeesRequest,
  type ExamListItem,
  type ExamListQuery,
  type ExamProblem,
  type ExamSessionsRequest,
  type LevelCode,
  type MajorView,
  type SubjectRequest,
  type UpdateLevelRequest,
} from '../../contracts/exams';
import type { ExamSummary } from '../../contracts/registration';
import { DomainError, conflict, notFound, validationError } from '../../http/errors';
import { publishProblems } from './exam-validation';
import { ExamSetupRepository, type ExamFields, type LevelRow, type SubjectRow } from './exam-setup.repository';
import { ExamRepository, type ExamRecord } from './exam.repository';

const messages = {
  examNotFound: '考试不存在',
  codeTaken: '考试代码已被其他考试使用',
  frozen: '考试已发布，不能修改考试代码、考试年度、专业、科目、报考级别和费用；如需修改，请先取消发布',
  notPublishable: (n: number) => `考试信息不完整或不一致，共${n}个问题，请修正后再发布`,
  wouldBreak: (n: number) => `修改后考试信息将不一致（共${n}个问题），已发布的考试须保持一致`,
  alreadyPublished: '考试已经发布',
  notPublished: '考试尚未发布',
  hasRegistrations: (n: number) => `该考试已有${n}条报名记录，不能取消发布`,
  majorUnknown: (codes: string[]) => `专业目录中没有专业「${codes.join('、')}」`,
  majorCodeTaken: '专业目录中已有该专业代码',
  majorNameTaken: '专业目录中已有该专业名称',
  majorInUse: (name: string, uses: string) => `专业「${name}」已被${uses}使用，请先解除后再移除`,
  majorNotInExam: '该专业不在本次考试的专业中，请先在「专业」中添加',
  subjectNotFound: '科目不存在',
  subjectUnknown: (code: string) => `本考试没有科目「${code}」`,
  subjectCodeTaken: '本考试已有该科目代码',
  subjectInUse: (name: string, uses: string) => `科目「${name}」已被${uses}使用，不能删除`,
  levelNotFound: '本考试未设置该报考级别',
  levelExists: '本考试已设置该报考级别',
  majorNotBound: '该报考级别未绑定此专业',
  subjectNotBound: '该报考级别未绑定此科目',
};

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === '23505';
}

function inconsistent(code: string, message: string, problems: ExamProblem[]): DomainError {
  return new DomainError(422, code, message, problems);
}

function examFields(input: ExamBasicRequest): ExamFields {
  return {
    code: input.code,
    name: input.name,
    short_name: input.shortName,
    year: input.year,
    registration_start: new Date(input.registrationStart),
    registration_end: new Date(input.registrationEnd),
    payment_deadline: new Date(input.paymentDeadline),
    ticket_print_start: new Date(input.ticketPrintStart),
    ticket_print_end: new Date(input.ticketPrintEnd),
  };
}

function subjectFields(input: SubjectRequest): Pick<SubjectRow, 'code' | 'name' | 'short_name' | 'major_code' | 'question_types'> {
  return {
    code: input.code,
    name: input.name,
    short_name: input.shortName,
    major_code: input.majorCode,
    question_types: input.questionTypes.map((q) => ({ type: q.type, count: q.count, marks: q.marks })),
  };
}

type Scope =
  /** Code, year, majors, subjects, levels, fees: frozen while the exam is published. */
  | 'structure'
  /** Names, dates and sessions: may change while published if the exam stays consistent. */
  | 'schedule';

/** 考前设置 (M17-M22): exams, majors, subjects, levels and fees, and publishing them. */
export class ExamSetupService {
  constructor(private readonly db: Db) {}

  async list(query: ExamListQuery): Promise<ExamListItem[]> {
    const rows = await new ExamSetupRepository(this.db).list(query);
    return rows.map((r) => ({
      id: r.id,
      code: r.code,
      name: r.name,
      shortName: r.short_name,
      year: r.year,
      status: r.status,
      examStartsAt: r.exam_starts_at ? r.exam_starts_at.toISOString() : null,
      registrationStart: r.registration_start.toISOString(),
      registrationEnd: r.registration_end.toISOString(),
      majorCount: r.major_count,
      subjectCount: r.subject_count,
      levelCount: r.level_count,
      registrationCount: r.registration_count,
    }));
  }

  /** Published exams open for registration now, with what a candidate chooses from (levels, majors, subjects and fees). */
  async openExams(now: Date): Promise<ExamSummary[]> {
    const repo = new ExamSetupRepository(this.db);
    const open = await new ExamRepository(this.db).findOpen(now);
    const summaries = await Promise.all(
      open.map(async (e): Promise<ExamSummary | undefined> => {
        const s = await repo.structure(e.id);
        if (!s) return undefined;
        const { id, code, name, year, registrationStart, registrationEnd, paymentDeadline } = s.exam;
        return { id, code, name, year, registrationStart, registrationEnd, paymentDeadline, majors: s.majors, levels: s.levels, subjects: s.subjects };
      }),
    );
    return summaries.filter((x) => x !== undefined);
  }

  async view(examId: number): Promise<ExamAdminView> {
    const repo = new ExamSetupRepository(this.db);
    const [exam, structure] = await Promise.all([repo.findExam(examId), repo.structure(examId)]);
    if (!exam || !structure) throw notFound(messages.examNotFound);
    return {
      ...structure,
      publishedAt: exam.published_at ? exam.published_at.toISOString() : null,
      updatedAt: exam.updated_at.toISOString(),
      registrationCount: await repo.registrationCount(examId),
      problems: publishProblems(structure),
    };
  }

  async create(input: ExamBasicRequest): Promise<ExamAdminView> {
    let id: number;
    try {
      id = await this.db.transaction(async (trx) => {
        const repo = new ExamSetupRepository(trx);
        if (await repo.codeTaken(input.code)) throw conflict('EXAM_CODE_TAKEN', messages.codeTaken, 'code');
        return repo.insertExam(examFields(input));
      });
    } catch (err) {
      // Two admins creating the same code at once: the unique constraint decides.
      if (isUniqueViolation(err)) throw conflict('EXAM_CODE_TAKEN', messages.codeTaken, 'code');
      throw err;
    }
    return this.view(id);
  }

  updateBasic(examId: number, input: ExamBasicRequest): Promise<ExamAdminView> {
    return this.change(examId, 'schedule', async (repo, exam) => {
      if (exam.status === 'published' && (input.code !== exam.code || input.year !== exam.year)) {
        throw conflict('EXAM_PUBLISHED', messages.frozen, input.code !== exam.code ? 'code' : 'year');
      }
      if (await repo.codeTaken(input.code, examId)) throw conflict('EXAM_CODE_TAKEN', messages.codeTaken, 'code');
      await repo.updateExam(examId, examFields(input));
    });
  }

  setSessions(examId: number, input: ExamSessionsRequest): Promise<ExamAdminView> {
    return this.change(examId, 'schedule', async (repo) => {
      const subjects = await repo.subjects(examId);
      const idOf = new Map(subjects.map((s) => [s.code, s.id]));
      const unknown = input.sessions.flatMap((s, i) => (idOf.has(s.subjectCode) ? [] : [{ field: `sessions.${i}.subjectCode`, message: messages.subjectUnknown(s.subjectCode) }]));
      if (unknown.length) throw validationError(unknown);
      await repo.replaceSessions(
        examId,
        input.sessions.map((s) => ({ subject_id: idOf.get(s.subjectCode)!, starts_at: new Date(s.startsAt), ends_at: new Date(s.endsAt) })),
      );
    });
  }

  // --- majors (M18) ---

  catalogue(): Promise<MajorView[]> {
    return new ExamSetupRepository(this.db).catalogue();
  }

  async addMajor(input: CreateMajorRequest): Promise<MajorView[]> {
    const repo = new ExamSetupRepository(this.db);
    const taken = await repo.catalogueConflict(input.code, input.name);
    if (taken) throw conflict('MAJOR_EXISTS', taken === 'code' ? messages.majorCodeTaken : messages.majorNameTaken, taken);
    try {
      await repo.insertMajor(input);
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('MAJOR_EXISTS', messages.majorCodeTaken, 'code');
      throw err;
    }
    return repo.catalogue();
  }

  setMajors(examId: number, majorCodes: string[]): Promise<ExamAdminView> {
    return this.change(examId, 'structure', async (repo) => {
      const known = new Set(await repo.knownMajors(majorCodes));
      const unknown = majorCodes.filter((c) => !known.has(c));
      if (unknown.length) throw validationError([{ field: 'majorCodes', message: messages.majorUnknown(unknown) }]);
      const catalogue = await repo.catalogue();
      for (const removed of (await repo.examMajorCodes(examId)).filter((c) => !majorCodes.includes(c))) {
        const usage = await repo.majorUsage(examId, removed);
        const uses = [
          ...(usage.subjects.length ? [`科目${usage.subjects.join('、')}`] : []),
          ...(usage.levels.length ? [`报考级别${usage.levels.map((l) => levelLabels[l]).join('、')}`] : []),
        ];
        if (uses.length) {
          const name = catalogue.find((m) => m.code === removed)?.name ?? removed;
          throw conflict('MAJOR_IN_USE', messages.majorInUse(name, uses.join('和')), 'majorCodes');
        }
      }
      await repo.setExamMajors(examId, majorCodes);
    });
  }

  // --- subjects (M19) and fees (M21) ---

  addSubject(examId: number, input: SubjectRequest): Promise<ExamAdminView> {
    return this.change(examId, 'structure', async (repo) => {
      if (await repo.findSubject(examId, input.code)) throw conflict('SUBJECT_CODE_TAKEN', messages.subjectCodeTaken, 'code');
      await this.checkSubjectMajor(repo, examId, input.majorCode);
      await repo.insertSubject(examId, { ...subjectFields(input), fee_fen: input.feeFen ?? DEFAULT_SUBJECT_FEE_FEN });
    });
  }

  updateSubject(examId: number, code: string, input: SubjectRequest): Promise<ExamAdminView> {
    return this.change(examId, 'structure', async (repo) => {
      const subject = await this.subject(repo, examId, code);
      if (input.code !== code && (await repo.findSubject(examId, input.code))) throw conflict('SUBJECT_CODE_TAKEN', messages.subjectCodeTaken, 'code');
      await this.checkSubjectMajor(repo, examId, input.majorCode);
      await repo.updateSubject(subject.id, subjectFields(input));
      if (input.feeFen !== undefined) await repo.setFee(subject.id, input.feeFen);
    });
  }

  deleteSubject(examId: number, code: string): Promise<ExamAdminView> {
    return this.change(examId, 'structure', async (repo) => {
      const subject = await this.subject(repo, examId, code);
      const usage = await repo.subjectUsage(subject.id);
      const uses = [...(usage.levels.length ? [`报考级别${usage.levels.map((l) => levelLabels[l]).join('、')}`] : []), ...(usage.hasSession ? ['考试场次'] : [])];
      if (uses.length) throw conflict('SUBJECT_IN_USE', messages.subjectInUse(subject.name, uses.join('和')), 'subjectCode');
      await repo.deleteSubject(subject.id);
    });
  }

  setFees(examId: number, input: ExamFeesRequest): Promise<ExamAdminView> {
    return this.change(examId, 'structure', async (repo) => {
      const idOf = new Map((await repo.subjects(examId)).map((s) => [s.code, s.id]));
      const unknown = input.fees.flatMap((f, i) => (idOf.has(f.subjectCode) ? [] : [{ field: `fees.${i}.subjectCode`, message: messages.subjectUnknown(f.subjectCode) }]));
      if (unknown.length) throw validationError(unknown);
      for (const fee of input.fees) await repo.setFee(idOf.get(fee.subjectCode)!, fee.feeFen);
    });
  }

  // --- levels (M20) ---

  addLevel(examId: number, input: CreateLevelRequest): Promise<ExamAdminView> {
    return this.change(examId, 'structure', async (repo) => {
      if (await repo.findLevel(examId, input.code)) throw conflict('LEVEL_EXISTS', messages.levelExists, 'code');
      await repo.insertLevel(examId, {
        level_code: input.code,
        name: input.name ?? levelLabels[input.code],
        // 考增项 is for holders of a certificate, who upload it (DOMAIN.md).
        requires_certificate: input.requiresCertificate ?? input.code === 'additional',
      });
    });
  }

  updateLevel(examId: number, code: LevelCode, input: UpdateLevelRequest): Promise<ExamAdminView> {
    return this.change(examId, 'structure', async (repo) => {
      const level = await this.level(repo, examId, code);
      await repo.updateLevel(level.id, { name: input.name, requires_certificate: input.requiresCertificate });
    });
  }

  deleteLevel(examId: number, code: LevelCode): Promise<ExamAdminView> {
    return this.change(examId, 'structure', async (repo) => {
      await repo.deleteLevel((await this.level(repo, examId, code)).id);
    });
  }

  bindMajor(examId: number, code: LevelCode, majorCode: string): Promise<ExamAdminView> {
    return this.change(examId, 'structure', async (repo) => {
      const level = await this.level(repo, examId, code);
      if (!(await repo.examMajorCodes(examId)).includes(majorCode)) throw validationError([{ field: 'majorCode', message: messages.majorNotInExam }]);
      await repo.bindMajor(level, majorCode);
    });
  }

  unbindMajor(examId: number, code: LevelCode, majorCode: string): Promise<ExamAdminView> {
    return this.change(examId, 'structure', async (repo) => {
      if (!(await repo.unbindMajor(await this.level(repo, examId, code), majorCode))) throw notFound(messages.majorNotBound);
    });
  }

  bindSubject(examId: number, code: LevelCode, subjectCode: string): Promise<ExamAdminView> {
    return this.change(examId, 'structure', async (repo) => {
      const level = await this.level(repo, examId, code);
      await repo.bindSubject(level, (await this.subject(repo, examId, subjectCode)).id);
    });
  }

  unbindSubject(examId: number, code: LevelCode, subjectCode: string): Promise<ExamAdminView> {
    return this.change(examId, 'structure', async (repo) => {
      const level = await this.level(repo, examId, code);
      if (!(await repo.unbindSubject(level, (await this.subject(repo, examId, subjectCode)).id))) throw notFound(messages.subjectNotBound);
    });
  }

  // --- publishing (M22) ---

  async publish(examId: number, now = new Date()): Promise<ExamAdminView> {
    await this.db.transaction(async (trx) => {
      const repo = new ExamSetupRepository(trx);
      const exam = await this.lock(repo, examId);
      if (exam.status === 'published') throw conflict('EXAM_ALREADY_PUBLISHED', messages.alreadyPublished);
      const problems = publishProblems((await repo.structure(examId))!);
      if (problems.length) throw inconsistent('EXAM_NOT_PUBLISHABLE', messages.notPublishable(problems.length), problems);
      await repo.updateExam(examId, { status: 'published', published_at: now });
    });
    return this.view(examId);
  }

  /** Back to draft for corrections; only while nobody has registered (the exam row lock keeps new registrations out meanwhile). */
  async unpublish(examId: number): Promise<ExamAdminView> {
    await this.db.transaction(async (trx) => {
      const repo = new ExamSetupRepository(trx);
      const exam = await this.lock(repo, examId);
      if (exam.status !== 'published') throw conflict('EXAM_NOT_PUBLISHED', messages.notPublished);
      const registrations = await repo.registrationCount(examId);
      if (registrations > 0) throw conflict('EXAM_HAS_REGISTRATIONS', messages.hasRegistrations(registrations));
      await repo.updateExam(examId, { status: 'draft', published_at: null });
    });
    return this.view(examId);
  }

  /**
   * One change of an exam in one transaction, with the exam row locked. While the exam is published,
   * structural changes are refused and any other change must leave it publishable.
   */
  private async change(examId: number, scope: Scope, apply: (repo: ExamSetupRepository, exam: ExamRecord) => Promise<void>): Promise<ExamAdminView> {
    await this.db.transaction(async (trx) => {
      const repo = new ExamSetupRepository(trx);
      const exam = await this.lock(repo, examId);
      if (scope === 'structure' && exam.status === 'published') throw conflict('EXAM_PUBLISHED', messages.frozen);
      await apply(repo, exam);
      if (exam.status === 'published') {
        const problems = publishProblems((await repo.structure(examId))!);
        if (problems.length) throw inconsistent('EXAM_INCONSISTENT', messages.wouldBreak(problems.length), problems);
      }
      await repo.touch(examId);
    });
    return this.view(examId);
  }

  private async lock(repo: ExamSetupRepository, examId: number): Promise<ExamRecord> {
    const exam = await repo.lockExam(examId);
    if (!exam) throw notFound(messages.examNotFound);
    return exam;
  }

  private async subject(repo: ExamSetupRepository, examId: number, code: string): Promise<SubjectRow> {
    const subject = await repo.findSubject(examId, code);
    if (!subject) throw notFound(messages.subjectNotFound);
    return subject;
  }

  private async level(repo: ExamSetupRepository, examId: number, code: LevelCode): Promise<LevelRow> {
    const level = await repo.findLevel(examId, code);
    if (!level) throw notFound(messages.levelNotFound);
    return level;
  }

  private async checkSubjectMajor(repo: ExamSetupRepository, examId: number, majorCode: string | null): Promise<void> {
    if (majorCode !== null && !(await repo.examMajorCodes(examId)).includes(majorCode)) {
      throw validationError([{ field: 'majorCode', message: messages.majorNotInExam }]);
    }
  }
}
