import { describe, expect, it } from 'vitest';
import { DocumentService } from '../../documents/document.service';
import { examGuideSample } from '../../documents/template-samples';
import type { ExamRow } from '../exams/exam.repository';
import { buildGuideContent, guideSettings, guideVersion } from './guide-content';

const exam: ExamRow = {
  id: 1,
  code: '202601',
  name: '2026年度上海市初级注册安全工程师职业资格考试',
  short_name: '2026初级注安',
  year: 2026,
  registration_start: new Date('2026-03-01T01:00:00Z'),
  registration_end: new Date('2026-03-15T09:00:00Z'),
  status: 'published',
};

describe('guide content (M02)', () => {
  it('M02 states the education/years table of the eligibility rule, counted to 31 December of the exam year', () => {
    const content = buildGuideContent(exam, ['化工安全']);
    expect(content.educationTable).toEqual([
      { education: '中专学历', related: '从事安全生产业务满4年（计算至2026年12月31日）', other: '从事安全生产业务满5年（计算至2026年12月31日）' },
      { education: '大专学历', related: '从事安全生产业务满2年（计算至2026年12月31日）', other: '从事安全生产业务满3年（计算至2026年12月31日）' },
      { education: '本科及以上学历', related: '从事安全生产业务工作', other: '从事安全生产业务工作' },
    ]);
  });

  it('M02 fees follow the per-subject setting: 全科 both subjects, 增报 the practice subject', () => {
    const content = buildGuideContent(exam, ['化工安全']);
    expect(content.levels.map((l) => [l.label, l.fee])).toEqual([['考全科', 140], ['考增项', 70], ['考单科', 70]]);
    expect(content.payment[0]).toBe('考试费按科目收取，每人每科70元。');
    const dearer = buildGuideContent(exam, ['化工安全'], { ...guideSettings, subjects: { ...guideSettings.subjects, practice: { ...guideSettings.subjects.practice, fee: 90 } } });
    expect(dearer.levels.map((l) => l.fee)).toEqual([160, 90, 90]);
    expect(dearer.payment[0]).toContain('安全生产实务90元');
  });

  it('M02 the version changes with the content and only with it', () => {
    const a = buildGuideContent(exam, ['化工安全']);
    expect(guideVersion(buildGuideContent(exam, ['化工安全']))).toBe(guideVersion(a));
    expect(guideVersion(buildGuideContent(exam, ['化工安全', '建筑施工安全']))).not.toBe(guideVersion(a));
  });

  it('M02 the exam-guide template renders the guide as escaped HTML', async () => {
    const documents = new DocumentService({ renderer: { render: () => Promise.reject(new Error('no PDF here')) } });
    const html = await documents.renderHtml('exam-guide', { ...examGuideSample, majors: ['<script>x</script>'] });
    expect(html).toContain('上海市初级注册安全工程师职业资格考试报考指南');
    expect(html).toContain('2025年3月1日 09:00');
    expect(html).toContain('本科及以上学历');
    expect(html).toContain('140元');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script>x');
  });
});
