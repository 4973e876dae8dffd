import { describe, expect, it } from 'vitest';
import { examListSearch } from './exam-admin.api';
import { ApiRequestError } from '../../api/http';
import { errorLines, fenToYuan, paperSummary, problemsByTab, subjectKindLabel, tabOfField, totalMarks, yuanToFen } from './exam-form';

describe('problems on the exam editor tabs (M22)', () => {
  it('M22 puts each problem on the tab where it is fixed', () => {
    expect(tabOfField('paymentDeadline')).toBe('basic');
    expect(tabOfField('sessions.law')).toBe('basic');
    expect(tabOfField('year')).toBe('basic');
    expect(tabOfField('majors')).toBe('majors');
    expect(tabOfField('subjects.law.questionTypes')).toBe('subjects');
    expect(tabOfField('subjects.practice-chemical.feeFen')).toBe('fees');
    expect(tabOfField('levels.full.subjectCodes')).toBe('levels');
  });

  it('M22 keeps the server order within a tab', () => {
    const byTab = problemsByTab([
      { field: 'levels.full.majorCodes', message: 'a' },
      { field: 'subjects.law.feeFen', message: 'b' },
      { field: 'levels.single.subjectCodes', message: 'c' },
    ]);
    expect(byTab.levels.map((p) => p.message)).toEqual(['a', 'c']);
    expect(byTab.fees.map((p) => p.message)).toEqual(['b']);
    expect(byTab.basic).toEqual([]);
  });
});

describe('subjects and fees (M19, M21)', () => {
  const paper = [
    { type: '单项选择题', count: 70, marks: 1 },
    { type: '多项选择题', count: 15, marks: 2 },
  ];

  it('M19 sums the marks and describes the paper', () => {
    expect(totalMarks(paper)).toBe(100);
    expect(paperSummary(paper)).toBe('单项选择题70题×1分；多项选择题15题×2分');
    expect(subjectKindLabel(null, [])).toBe('公共科目');
    expect(subjectKindLabel('chemical', [{ code: 'chemical', name: '化工安全' }])).toBe('专业科目（化工安全）');
  });

  it('M21 converts yuan to whole fen without floating-point drift', () => {
    expect(yuanToFen(70)).toBe(7000);
    expect(yuanToFen(0.29)).toBe(29);
    expect(yuanToFen(65.5)).toBe(6550);
    expect(fenToYuan(6550)).toBe(65.5);
  });
});

describe('exam list query (M17)', () => {
  it('M17 sends only the filters given', () => {
    expect(examListSearch({})).toBe('');
    expect(examListSearch({ year: 2026, month: 10 })).toBe('year=2026&month=10');
    expect(examListSearch({ month: 3, status: 'published' })).toBe('month=3&status=published');
  });
});

describe('errorLines', () => {
  it('lists the message, then each distinct problem', () => {
    const error = new ApiRequestError(422, {
      code: 'EXAM_NOT_PUBLISHABLE',
      message: '考试信息不完整或不一致，共2个问题，请修正后再发布',
      fields: [
        { field: 'sessions', message: '请设置考试时间（至少一个考试场次）' },
        { field: 'levels', message: '请至少设置一个报考级别' },
      ],
    });
    expect(errorLines(error)).toEqual(['考试信息不完整或不一致，共2个问题，请修正后再发布', '请设置考试时间（至少一个考试场次）', '请至少设置一个报考级别']);
    expect(errorLines(new ApiRequestError(409, { code: 'X', message: '考试代码已被其他考试使用', fields: [{ field: 'code', message: '考试代码已被其他考试使用' }] }))).toEqual(['考试代码已被其他考试使用']);
  });
});
