import { describe, expect, it } from 'vitest';
import { examBasicRequest, examSessionsRequest, examFeesRequest, subjectRequest, scheduleProblems, type ExamStructure } from '../../contracts/exams';
import { DomainError } from '../../http/errors';
import { subjectsFor } from './exam-structure';
import { publishProblems } from './exam-validation';

const practice = (major: string, name: string): ExamStructure['subjects'][number] => ({
  code: `practice-${major}`,
  name: `安全生产实务（${name}）`,
  shortName: '安全生产实务',
  majorCode: major,
  feeFen: 7000,
  questionTypes: [
    { type: '单项选择题', count: 20, marks: 1 },
    { type: '案例分析题', count: 4, marks: 20 },
  ],
});

/** A consistent exam: law + 实务 of two majors, the three levels, one exam day. */
function standard(): ExamStructure {
  return {
    exam: {
      id: 1,
      code: '202601',
      name: '2026年度上海市初级注册安全工程师职业资格考试',
      shortName: '2026初级注安',
      year: 2026,
      status: 'draft',
      registrationStart: '2026-06-01T00:00:00+08:00',
      registrationEnd: '2026-07-01T00:00:00+08:00',
      paymentDeadline: '2026-07-08T00:00:00+08:00',
      ticketPrintStart: '2026-10-14T09:00:00+08:00',
      ticketPrintEnd: '2026-10-24T16:30:00+08:00',
      sessions: [
        { subjectCode: 'law', startsAt: '2026-10-24T09:00:00+08:00', endsAt: '2026-10-24T11:00:00+08:00' },
        { subjectCode: 'practice-chemical', startsAt: '2026-10-24T14:00:00+08:00', endsAt: '2026-10-24T16:30:00+08:00' },
        { subjectCode: 'practice-construction', startsAt: '2026-10-24T14:00:00+08:00', endsAt: '2026-10-24T16:30:00+08:00' },
      ],
    },
    majors: [
      { code: 'chemical', name: '化工安全' },
      { code: 'construction', name: '建筑施工安全' },
    ],
    subjects: [
      {
        code: 'law',
        name: '安全生产法律法规',
        shortName: '法律法规',
        majorCode: null,
        feeFen: 7000,
        questionTypes: [
          { type: '单项选择题', count: 70, marks: 1 },
          { type: '多项选择题', count: 15, marks: 2 },
        ],
      },
      practice('chemical', '化工安全'),
      practice('construction', '建筑施工安全'),
    ],
    levels: [
      { code: 'full', name: '考全科', requiresCertificate: false, majorCodes: ['chemical', 'construction'], subjectCodes: ['law', 'practice-chemical', 'practice-construction'] },
      { code: 'additional', name: '考增项', requiresCertificate: true, majorCodes: ['chemical', 'construction'], subjectCodes: ['practice-chemical', 'practice-construction'] },
      { code: 'single', name: '考单科', requiresCertificate: false, majorCodes: ['chemical', 'construction'], subjectCodes: ['law', 'practice-chemical', 'practice-construction'] },
    ],
  };
}

function thrown(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('publishProblems (M22)', () => {
  it('M22 a consistent exam has no problems', () => {
    expect(publishProblems(standard())).toEqual([]);
  });

  it('M22 lists every problem at once, each with its field and a Chinese message', () => {
    const s = standard();
    s.exam.paymentDeadline = '2026-06-20T00:00:00+08:00'; // before registration closes
    s.exam.ticketPrintEnd = '2026-10-25T00:00:00+08:00'; // after the last session
    s.subjects[1]!.feeFen = 0;
    s.subjects[2]!.questionTypes = [];
    s.levels[0]!.subjectCodes = ['practice-chemical', 'practice-construction']; // 考全科 without the public subject
    s.levels[1]!.subjectCodes = ['law', 'practice-chemical']; // 考增项 with law, construction without 实务
    s.levels[2]!.majorCodes = [];
    expect(publishProblems(s)).toEqual([
      { field: 'paymentDeadline', message: '缴费截止时间不能早于网上报名结束时间' },
      { field: 'ticketPrintEnd', message: '准考证打印结束时间不能晚于最后一场考试结束时间' },
      { field: 'subjects.practice-chemical.feeFen', message: '科目「安全生产实务（化工安全）」的费用应大于0元' },
      { field: 'subjects.practice-construction.questionTypes', message: '科目「安全生产实务（建筑施工安全）」未设置题型' },
      { field: 'levels.full.subjectCodes', message: '报考级别「考全科」须绑定公共科目' },
      { field: 'levels.additional.subjectCodes', message: '报考级别「考增项」只考专业科目，不能绑定公共科目「安全生产法律法规」' },
      { field: 'levels.additional.subjectCodes', message: '报考级别「考增项」未绑定专业「建筑施工安全」的专业科目' },
      { field: 'levels.single.majorCodes', message: '报考级别「考单科」未绑定专业' },
      { field: 'levels.single.subjectCodes', message: '报考级别「考单科」绑定了科目「安全生产实务（化工安全）」，但未绑定其所属专业「化工安全」' },
      { field: 'levels.single.subjectCodes', message: '报考级别「考单科」绑定了科目「安全生产实务（建筑施工安全）」，但未绑定其所属专业「建筑施工安全」' },
    ]);
  });

  it('M22 an empty exam lacks sessions, majors, subjects and levels', () => {
    const s = standard();
    s.exam.sessions = [];
    s.majors = [];
    s.subjects = [];
    s.levels = [];
    expect(publishProblems(s).map((p) => p.field)).toEqual(['sessions', 'majors', 'subjects', 'levels']);
  });

  it('M22 ticket printing must open before the first session; the exam year must be the year of the exam date', () => {
    const s = standard();
    s.exam.year = 2027;
    s.exam.ticketPrintStart = '2026-10-24T09:00:00+08:00';
    expect(publishProblems(s)).toEqual([
      { field: 'ticketPrintStart', message: '准考证打印开始时间应早于首场考试开始时间' },
      { field: 'year', message: '考试年度（2027年）与考试日期（2026年）不一致' },
    ]);
  });

  it('M22 the exam year is read in Shanghai time (a session at 00:30 on 1 January in Shanghai is in the new year)', () => {
    const s = standard();
    s.exam.year = 2027;
    s.exam.ticketPrintStart = '2026-12-20T09:00:00+08:00';
    s.exam.ticketPrintEnd = '2027-01-01T03:00:00+08:00';
    s.exam.sessions = s.exam.sessions.map((x, i) => ({ ...x, startsAt: `2027-01-01T00:3${i}:00+08:00`, endsAt: '2027-01-01T03:00:00+08:00' }));
    expect(publishProblems(s)).toEqual([]);
  });

  it('M22 a subject of a major the exam does not offer, a level major outside the exam, and a bound subject without a session', () => {
    const s = standard();
    s.majors = [s.majors[0]!]; // construction removed from the exam
    s.exam.sessions = s.exam.sessions.filter((x) => x.subjectCode !== 'law');
    s.levels = [s.levels[0]!];
    const problems = publishProblems(s);
    expect(problems).toContainEqual({ field: 'subjects.practice-construction.majorCode', message: '科目「安全生产实务（建筑施工安全）」所属专业「construction」不在本次考试的专业中' });
    expect(problems).toContainEqual({ field: 'levels.full.majorCodes', message: '报考级别「考全科」绑定的专业「construction」不在本次考试的专业中' });
    expect(problems).toContainEqual({ field: 'sessions.law', message: '科目「安全生产法律法规」未设置考试时间' });
  });
});

describe('scheduleProblems and request contracts (M17, M19, M21)', () => {
  const basic = {
    code: '2026a1',
    name: '2026年度考试',
    shortName: '2026考试',
    year: 2026,
    registrationStart: '2026-06-01T00:00:00+08:00',
    registrationEnd: '2026-07-01T00:00:00+08:00',
    paymentDeadline: '2026-07-01T00:00:00+08:00',
    ticketPrintStart: '2026-10-14T09:00:00+08:00',
    ticketPrintEnd: '2026-10-24T16:30:00+08:00',
  };

  it('M17 accepts a schedule in order (payment deadline may be the registration end) and upper-cases the code', () => {
    expect(scheduleProblems(basic)).toEqual([]);
    expect(examBasicRequest.parse(basic).code).toBe('2026A1');
  });

  it('M17 every out-of-order date is reported on its own field', () => {
    const bad = { ...basic, registrationEnd: '2026-05-01T00:00:00+08:00', paymentDeadline: '2026-04-01T00:00:00+08:00', ticketPrintStart: '2026-03-01T00:00:00+08:00', ticketPrintEnd: '2026-03-01T00:00:00+08:00' };
    expect(scheduleProblems(bad).map((p) => p.field)).toEqual(['registrationEnd', 'paymentDeadline', 'ticketPrintStart', 'ticketPrintEnd']);
    const parsed = examBasicRequest.safeParse({ ...basic, paymentDeadline: '2026-06-30T00:00:00+08:00' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toEqual([expect.objectContaining({ path: ['paymentDeadline'], message: '缴费截止时间不能早于网上报名结束时间' })]);
  });

  it('M17 missing and malformed fields have Chinese messages', () => {
    const parsed = examBasicRequest.safeParse({ ...basic, code: '20-26', registrationStart: undefined, ticketPrintEnd: 'tomorrow' });
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['code', '考试代码为2至16位字母或数字'],
      ['registrationStart', '请选择网上报名开始时间'],
      ['ticketPrintEnd', '准考证打印结束时间格式不正确'],
    ]);
  });

  it('M17 sessions end after they start, last at most 12 hours, one per subject', () => {
    const parsed = examSessionsRequest.safeParse({
      sessions: [
        { subjectCode: 'law', startsAt: '2026-10-24T09:00:00+08:00', endsAt: '2026-10-24T09:00:00+08:00' },
        { subjectCode: 'practice-chemical', startsAt: '2026-10-24T09:00:00+08:00', endsAt: '2026-10-25T09:00:00+08:00' },
        { subjectCode: 'law', startsAt: '2026-10-24T14:00:00+08:00', endsAt: '2026-10-24T16:00:00+08:00' },
      ],
    });
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['sessions.0.endsAt', '结束时间应晚于开考时间'],
      ['sessions.1.endsAt', '单场考试不能超过12小时'],
      ['sessions.2.subjectCode', '同一科目只能设置一个考试场次'],
    ]);
  });

  it('M19 subject codes, question types and marks are checked', () => {
    const parsed = subjectRequest.safeParse({
      code: 'Law',
      name: '安全生产法律法规',
      shortName: '法律法规',
      majorCode: null,
      questionTypes: [
        { type: '单项选择题', count: 70, marks: 1 },
        { type: '单项选择题', count: 0, marks: 0.3 },
      ],
    });
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['code', '科目代码为2至32位小写字母、数字或连字符，以字母开头'],
      ['questionTypes.1.count', '题量至少为1'],
      ['questionTypes.1.marks', '每题分值应为0.5的倍数'],
      ['questionTypes.1.type', '题型不能重复'],
    ]);
  });

  it('M21 fees are whole fen between 0 and 1000 yuan', () => {
    const parsed = examFeesRequest.safeParse({
      fees: [
        { subjectCode: 'law', feeFen: 70.5 },
        { subjectCode: 'practice-chemical', feeFen: -1 },
        { subjectCode: 'practice-metallurgy', feeFen: 100_001 },
      ],
    });
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['fees.0.feeFen', '费用须精确到分'],
      ['fees.1.feeFen', '费用不能为负数'],
      ['fees.2.feeFen', '费用不能超过1000元'],
    ]);
  });
});

describe('subjectsFor (M20)', () => {
  const s = standard();

  it('M20 考全科: the public subjects plus the subjects of the chosen major', () => {
    expect(subjectsFor(s, 'full', 'chemical').map((x) => x.code)).toEqual(['law', 'practice-chemical']);
    expect(subjectsFor(s, 'full', 'construction').map((x) => [x.code, x.feeFen])).toEqual([
      ['law', 7000],
      ['practice-construction', 7000],
    ]);
  });

  it('M20 考增项: the major subject only', () => {
    expect(subjectsFor(s, 'additional', 'construction').map((x) => x.code)).toEqual(['practice-construction']);
  });

  it('M20 考单科: exactly the chosen subject, which must be offered to that major', () => {
    expect(subjectsFor(s, 'single', 'chemical', 'law').map((x) => x.code)).toEqual(['law']);
    expect(subjectsFor(s, 'single', 'chemical', 'practice-chemical').map((x) => x.code)).toEqual(['practice-chemical']);
    expect(thrown(() => subjectsFor(s, 'single', 'chemical')).fields).toEqual([{ field: 'subjectCode', message: '考单科须选择一个报考科目' }]);
    expect(thrown(() => subjectsFor(s, 'single', 'chemical', 'practice-construction')).fields).toEqual([{ field: 'subjectCode', message: '所选科目不在可报考的科目中' }]);
  });

  it('M20 a level the exam does not offer, or a major outside the level, is refused on its field', () => {
    const noSingle: ExamStructure = { ...s, levels: s.levels.filter((l) => l.code !== 'single') };
    expect(thrown(() => subjectsFor(noSingle, 'single', 'chemical', 'law')).fields).toEqual([{ field: 'levelCode', message: '该考试未开设所选报考级别' }]);
    expect(thrown(() => subjectsFor(s, 'full', 'metallurgy')).fields).toEqual([{ field: 'majorCode', message: '所选专业不在「考全科」的可报专业中' }]);
    expect(thrown(() => subjectsFor(s, 'nonsense', 'chemical')).status).toBe(400);
  });

  it('M20 a major bound to a level without any of its subjects has nothing to sit', () => {
    const broken: ExamStructure = { ...s, levels: [{ ...s.levels[1]!, subjectCodes: ['practice-chemical'] }] };
    expect(thrown(() => subjectsFor(broken, 'additional', 'construction')).fields).toEqual([{ field: 'majorCode', message: '「考增项」未设置所选专业的考试科目' }]);
  });
});
