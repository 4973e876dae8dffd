import { z } from 'zod';
import {
  createLevelRequest,
  createMajorRequest,
  examAdminView,
  examBasicRequest,
  examFeesRequest,
  examListItem,
  examListQuery,
  examMajorsRequest,
  examSessionsRequest,
  levelCodes,
  majorView,
  subjectRequest,
  updateLevelRequest,
} from '../../contracts/exams';
import type { AuditActionOf } from '../../contracts/audit-actions';
import { examSummary } from '../../contracts/registration';
import type { ApiRoutes, AuditView, RouteAudit } from '../../http/route';
import type { ExamSetupService } from './exam-setup.service';

const examId = z.coerce.number({ error: '考试编号格式不正确' }).int('考试编号格式不正确').positive('考试编号格式不正确');
const code = (label: string) => z.string().regex(/^[a-z][a-z0-9-]{1,31}$/, `${label}格式不正确`);
const byExam = z.object({ examId });
const bySubject = z.object({ examId, subjectCode: code('科目代码') });
const byLevel = z.object({ examId, levelCode: z.enum(levelCodes, { error: '报考级别不正确' }) });
const byLevelMajor = byLevel.extend({ majorCode: code('专业代码') });
const byLevelSubject = byLevel.extend({ subjectCode: code('科目代码') });

type Params = { examId: number; subjectCode?: string; levelCode?: string; majorCode?: string };

/** Audited as a change of the exam (or of one of its parts: `7/law`, `7/full/chemical`). */
function examAudit<B, Q, P extends Params | undefined>(action: AuditActionOf<'exams'>, objectType = 'exam'): RouteAudit<B, Q, P> {
  return {
    action,
    objectType,
    objectId: (v: AuditView<B, Q, P>) => {
      const p = v.params;
      return p ? [p.examId, p.levelCode, p.subjectCode ?? p.majorCode].filter((x) => x !== undefined).join('/') : undefined;
    },
  };
}

const read = { permission: 'exam:read' } as const;
const manage = { permission: 'exam:manage' } as const;
const tag = 'exams';

export function examRoutes(api: ApiRoutes, exams: ExamSetupService): void {
  // Before /exams/:examId, which would read "open" as an exam number.
  api.define(
    { method: 'get', path: '/exams/open', summary: '正在报名的考试（含报考级别、科目和费用）', tag, access: { permission: 'registration:create' }, response: z.array(examSummary) },
    () => exams.openExams(new Date()),
  );

  // --- majors catalogue (M18) ---
  api.define({ method: 'get', path: '/majors', summary: '专业目录', tag, access: read, response: z.array(majorView) }, () => exams.catalogue());
  api.define(
    {
      method: 'post',
      path: '/majors',
      summary: '向专业目录添加专业',
      tag,
      access: manage,
      body: createMajorRequest,
      response: z.array(majorView),
      status: 201,
      audit: { action: 'major.create', objectType: 'major', objectId: (v) => v.body?.code },
    },
    ({ body }) => exams.addMajor(body),
  );

  // --- exams (M17, M22) ---
  api.define(
    { method: 'get', path: '/exams', summary: '按考试年月查询考试', tag, access: read, query: examListQuery, response: z.array(examListItem) },
    ({ query }) => exams.list(query),
  );
  api.define(
    {
      method: 'post',
      path: '/exams',
      summary: '新建考试',
      tag,
      access: manage,
      body: examBasicRequest,
      response: examAdminView,
      status: 201,
      audit: { action: 'exam.create', objectType: 'exam', objectId: (_v, r) => (r as { exam?: { id: number } } | undefined)?.exam?.id },
    },
    ({ body }) => exams.create(body),
  );
  api.define({ method: 'get', path: '/exams/:examId', summary: '考试设置详情（含发布前检查结果）', tag, access: read, params: byExam, response: examAdminView }, ({ params }) =>
    exams.view(params.examId),
  );
  api.define(
    { method: 'put', path: '/exams/:examId', summary: '修改考试基本信息', tag, access: manage, params: byExam, body: examBasicRequest, response: examAdminView, audit: examAudit('exam.update') },
    ({ params, body }) => exams.updateBasic(params.examId, body),
  );
  api.define(
    { method: 'put', path: '/exams/:examId/sessions', summary: '设置考试时间（各科目场次）', tag, access: manage, params: byExam, body: examSessionsRequest, response: examAdminView, audit: examAudit('exam.sessions') },
    ({ params, body }) => exams.setSessions(params.examId, body),
  );
  api.define(
    { method: 'put', path: '/exams/:examId/majors', summary: '设置考试专业', tag, access: manage, params: byExam, body: examMajorsRequest, response: examAdminView, audit: examAudit('exam.majors') },
    ({ params, body }) => exams.setMajors(params.examId, body.majorCodes),
  );
  api.define(
    { method: 'post', path: '/exams/:examId/publish', summary: '发布考试（检查一致性，列出全部问题）', tag, access: manage, params: byExam, response: examAdminView, audit: examAudit('exam.publish') },
    ({ params }) => exams.publish(params.examId),
  );
  api.define(
    { method: 'post', path: '/exams/:examId/unpublish', summary: '取消发布（仅限尚无报名时）', tag, access: manage, params: byExam, response: examAdminView, audit: examAudit('exam.unpublish') },
    ({ params }) => exams.unpublish(params.examId),
  );

  // --- subjects (M19) and fees (M21) ---
  api.define(
    {
      method: 'post',
      path: '/exams/:examId/subjects',
      summary: '添加科目',
      tag,
      access: manage,
      params: byExam,
      body: subjectRequest,
      response: examAdminView,
      status: 201,
      audit: { action: 'exam.subject.create', objectType: 'exam-subject', objectId: (v) => (v.params && v.body ? `${v.params.examId}/${v.body.code}` : undefined) },
    },
    ({ params, body }) => exams.addSubject(params.examId, body),
  );
  api.define(
    {
      method: 'put',
      path: '/exams/:examId/subjects/:subjectCode',
      summary: '修改科目',
      tag,
      access: manage,
      params: bySubject,
      body: subjectRequest,
      response: examAdminView,
      audit: examAudit('exam.subject.update', 'exam-subject'),
    },
    ({ params, body }) => exams.updateSubject(params.examId, params.subjectCode, body),
  );
  api.define(
    {
      method: 'delete',
      path: '/exams/:examId/subjects/:subjectCode',
      summary: '删除科目（已被报考级别或考试场次使用时不能删除）',
      tag,
      access: manage,
      params: bySubject,
      response: examAdminView,
      audit: examAudit('exam.subject.delete', 'exam-subject'),
    },
    ({ params }) => exams.deleteSubject(params.examId, params.subjectCode),
  );
  api.define(
    { method: 'put', path: '/exams/:examId/fees', summary: '设置科目费用（分）', tag, access: manage, params: byExam, body: examFeesRequest, response: examAdminView, audit: examAudit('exam.fees') },
    ({ params, body }) => exams.setFees(params.examId, body),
  );

  // --- levels (M20) ---
  api.define(
    {
      method: 'post',
      path: '/exams/:examId/levels',
      summary: '添加报考级别',
      tag,
      access: manage,
      params: byExam,
      body: createLevelRequest,
      response: examAdminView,
      status: 201,
      audit: { action: 'exam.level.create', objectType: 'exam-level', objectId: (v) => (v.params && v.body ? `${v.params.examId}/${v.body.code}` : undefined) },
    },
    ({ params, body }) => exams.addLevel(params.examId, body),
  );
  api.define(
    {
      method: 'put',
      path: '/exams/:examId/levels/:levelCode',
      summary: '修改报考级别',
      tag,
      access: manage,
      params: byLevel,
      body: updateLevelRequest,
      response: examAdminView,
      audit: examAudit('exam.level.update', 'exam-level'),
    },
    ({ params, body }) => exams.updateLevel(params.examId, params.levelCode, body),
  );
  api.define(
    { method: 'delete', path: '/exams/:examId/levels/:levelCode', summary: '删除报考级别', tag, access: manage, params: byLevel, response: examAdminView, audit: examAudit('exam.level.delete', 'exam-level') },
    ({ params }) => exams.deleteLevel(params.examId, params.levelCode),
  );
  api.define(
    {
      method: 'put',
      path: '/exams/:examId/levels/:levelCode/majors/:majorCode',
      summary: '报考级别绑定专业',
      tag,
      access: manage,
      params: byLevelMajor,
      response: examAdminView,
      audit: examAudit('exam.level.bind-major', 'exam-level'),
    },
    ({ params }) => exams.bindMajor(params.examId, params.levelCode, params.majorCode),
  );
  api.define(
    {
      method: 'delete',
      path: '/exams/:examId/levels/:levelCode/majors/:majorCode',
      summary: '报考级别解除绑定专业',
      tag,
      access: manage,
      params: byLevelMajor,
      response: examAdminView,
      audit: examAudit('exam.level.unbind-major', 'exam-level'),
    },
    ({ params }) => exams.unbindMajor(params.examId, params.levelCode, params.majorCode),
  );
  api.define(
    {
      method: 'put',
      path: '/exams/:examId/levels/:levelCode/subjects/:subjectCode',
      summary: '报考级别绑定科目',
      tag,
      access: manage,
      params: byLevelSubject,
      response: examAdminView,
      audit: examAudit('exam.level.bind-subject', 'exam-level'),
    },
    ({ params }) => exams.bindSubject(params.examId, params.levelCode, params.subjectCode),
  );
  api.define(
    {
      method: 'delete',
      path: '/exams/:examId/levels/:levelCode/subjects/:subjectCode',
      summary: '报考级别解除绑定科目',
      tag,
      access: manage,
      params: byLevelSubject,
      response: examAdminView,
      audit: examAudit('exam.level.unbind-subject', 'exam-level'),
    },
    ({ params }) => exams.unbindSubject(params.examId, params.levelCode, params.subjectCode),
  );
}
