import { examSummary, type ExamSummary } from '../../contracts/registration';
import type { ApiRoutes } from '../../http/route';
import type { ExamRepository } from './exam.repository';
import { z } from 'zod';

export function examRoutes(api: ApiRoutes, exams: ExamRepository): void {
  api.define(
    { method: 'get', path: '/exams/open', summary: '正在报名的考试', tag: 'exams', access: { permission: 'registration:create' }, response: z.array(examSummary) },
    async (): Promise<ExamSummary[]> => {
      const open = await exams.findOpen(new Date());
      const majors = await exams.majorsOf(open.map((e) => e.id));
      return open.map((e) => ({
        id: e.id,
        code: e.code,
        name: e.name,
        year: e.year,
        registrationStart: e.registration_start.toISOString(),
        registrationEnd: e.registration_end.toISOString(),
        majors: majors.get(e.id) ?? [],
      }));
    },
  );
}
