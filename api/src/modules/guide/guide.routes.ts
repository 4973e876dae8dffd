import { z } from 'zod';
import { confirmGuideRequest, examGuideView, guideConfirmation } from '../../contracts/guide';
import type { ApiRoutes } from '../../http/route';
import type { GuideService } from './guide.service';

const byExam = z.object({ examId: z.coerce.number({ error: '考试编号格式不正确' }).int('考试编号格式不正确').positive('考试编号格式不正确') });

export function guideRoutes(api: ApiRoutes, guides: GuideService): void {
  api.define(
    {
      method: 'get',
      path: '/exams/:examId/guide',
      summary: '考试报考指南（含本人确认情况）',
      tag: 'exams',
      access: { permission: 'registration:create' },
      params: byExam,
      response: examGuideView,
    },
    ({ user, params }) => guides.view(user, params.examId),
  );
  api.define(
    {
      method: 'get',
      path: '/exams/:examId/guide.pdf',
      summary: '下载考试报考指南（PDF）',
      tag: 'exams',
      access: { permission: 'registration:create' },
      params: byExam,
      response: { contentType: 'application/pdf' },
    },
    async ({ params, res }) => {
      const { pdf, exam } = await guides.pdf(params.examId);
      res
        .status(200)
        .type('application/pdf')
        .set('content-disposition', `attachment; filename="exam-guide-${exam.code}.pdf"; filename*=UTF-8''${encodeURIComponent(`报考指南-${exam.name}.pdf`)}`)
        .set('cache-control', 'private, no-store')
        .send(pdf);
    },
  );
  api.define(
    {
      method: 'post',
      path: '/exams/:examId/guide/confirm',
      summary: '确认已阅读报考指南（记录确认时间；重复确认同一版本不重复记录）',
      tag: 'exams',
      access: { permission: 'registration:create' },
      params: byExam,
      body: confirmGuideRequest,
      response: guideConfirmation,
      audit: { action: 'guide.confirm', objectType: 'exam', objectId: (v) => (v.params ? String(v.params.examId) : undefined) },
    },
    ({ user, params, body }) => guides.confirm(user, params.examId, body.version),
  );
}
