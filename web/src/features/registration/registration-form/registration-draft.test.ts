import { describe, expect, it } from 'vitest';
import type { ExamSummary, RegistrationView } from '../../../../../api/src/contracts/registration';
import {
  chineseDate,
  draftFromView,
  emptyDraft,
  errorKey,
  errorsOfStep,
  firstMarkedStep,
  firstStepWithError,
  levelSubjects,
  STEP_CONFIRM,
  STEP_DETAILS,
  STEP_EXAM,
  subjectsToSit,
  validateDraft,
  type RegistrationDraft,
} from './registration-draft';

const subject = (code: string, name: string, majorCode: string | null) => ({ code, name, shortName: name, majorCode, feeFen: 7000, questionTypes: [] });

const exam: ExamSummary = {
  id: 7,
  code: '202601',
  name: '2026年度上海市初级注册安全工程师职业资格考试',
  year: 2026,
  registrationStart: '2026-03-01T00:00:00Z',
  registrationEnd: '2026-05-01T00:00:00Z',
  paymentDeadline: '2026-05-08T00:00:00Z',
  majors: [
    { code: 'chemical', name: '化工安全' },
    { code: 'construction', name: '建筑施工安全' },
  ],
  levels: [
    { code: 'full', name: '考全科', requiresCertificate: false, majorCodes: ['chemical', 'construction'], subjectCodes: ['law', 'practice-chemical', 'practice-construction'] },
    { code: 'additional', name: '考增项', requiresCertificate: true, majorCodes: ['chemical', 'construction'], subjectCodes: ['practice-chemical', 'practice-construction'] },
    { code: 'single', name: '考单科', requiresCertificate: false, majorCodes: ['chemical'], subjectCodes: ['law', 'practice-chemical'] },
  ],
  subjects: [subject('law', '安全生产法律法规', null), subject('practice-chemical', '安全生产实务（化工安全）', 'chemical'), subject('practice-construction', '安全生产实务（建筑施工安全）', 'construction')],
};

function filledDraft(overrides: Partial<RegistrationDraft> = {}): RegistrationDraft {
  return {
    ...emptyDraft(),
    examId: 7,
    levelCode: 'full',
    majorCode: 'chemical',
    fullName: '张测试',
    idNumber: '31010119900101123x',
    phone: '13812345678',
    district: '浦东新区',
    employer: '上海某化工有限公司',
    educations: [{ level: 'college', school: '上海应用技术学院', major: '安全工程', fullTime: true, startDate: '2008-09-01', graduationDate: '2011-07-01', certificateNo: '125401201105000123' }],
    workPeriods: [{ employer: '上海某化工有限公司', post: '安全管理员', startDate: '2015-03-01', endDate: null, safetyWork: true }],
    ...overrides,
  };
}

describe('validateDraft (M15)', () => {
  it('M15 names every missing field of an empty form by its path, in Chinese', () => {
    const { form, errors } = validateDraft(emptyDraft(), exam);
    expect(form).toBeUndefined();
    expect(errors).toMatchObject({
      examId: '请选择考试',
      levelCode: '请选择报考级别',
      fullName: '请输入姓名',
      district: '请选择工作或居住所在区',
      'educations.0.level': '请选择学历层次',
      'educations.0.school': '请填写毕业院校',
      'educations.0.fullTime': '请选择是否全日制',
      'educations.0.startDate': '请填写入学日期',
      'workPeriods.0.startDate': '请填写开始日期',
      'workPeriods.0.safetyWork': '请选择是否从事安全生产业务',
    });
    // An empty end date means "until now", never an error.
    expect(errors).not.toHaveProperty('workPeriods.0.endDate');
  });

  it('M15 turns a complete draft into the contract form: 至今 as null, no subject or certificate for 考全科', () => {
    const { form, errors } = validateDraft(filledDraft({ subjectCode: 'law', certificateNo: 'AQ123456' }), exam);
    expect(errors).toEqual({});
    expect(form).toMatchObject({ examId: 7, idNumber: '31010119900101123X', subjectCode: null, certificateNo: null, certificateAttachmentId: null });
    expect(form?.workPeriods[0]?.endDate).toBeNull();
  });

  it('M11 考单科 needs its subject and 考增项 the certificate number and scan', () => {
    expect(validateDraft(filledDraft({ levelCode: 'single' }), exam).errors).toEqual({ subjectCode: '考单科须选择一个报考科目' });
    expect(validateDraft(filledDraft({ levelCode: 'single', subjectCode: 'law' }), exam).form?.subjectCode).toBe('law');
    expect(Object.keys(validateDraft(filledDraft({ levelCode: 'additional' }), exam).errors)).toEqual(['certificateNo', 'certificateAttachmentId']);
    const additional = validateDraft(filledDraft({ levelCode: 'additional', certificateNo: 'AQ2024310000123', certificateAttachmentId: 5 }), exam);
    expect(additional.form).toMatchObject({ certificateNo: 'AQ2024310000123', certificateAttachmentId: 5 });
  });

  it('M15 errorsOfStep keeps what one step shows', () => {
    const { errors } = validateDraft(emptyDraft(), exam);
    expect(Object.keys(errorsOfStep(errors, STEP_EXAM)).sort()).toEqual(['examId', 'levelCode', 'majorCode']);
    expect(errorsOfStep(errors, STEP_DETAILS)).toHaveProperty('workPeriods.0.post');
  });
});

describe('API field errors (M15)', () => {
  it('M15 reads both path styles the API answers with, and finds the step to open', () => {
    expect(errorKey('workPeriods[1].startDate')).toBe('workPeriods.1.startDate');
    expect(errorKey('educations.0.school')).toBe('educations.0.school');
    expect(firstStepWithError({ 'workPeriods.1.startDate': 'x', photo: 'y' })).toBe(STEP_DETAILS);
    expect(firstStepWithError({ examId: 'x', 'educations.0.major': 'y' })).toBe(STEP_EXAM);
    expect(firstStepWithError({ commitmentAccepted: 'x' })).toBe(STEP_CONFIRM);
    expect(firstStepWithError({ somethingElse: 'x' })).toBeUndefined();
  });
});

describe('exam structure on the form (M11)', () => {
  it('M11 shows the public subject plus the major\'s 实务, and only the chosen one for 考单科', () => {
    expect(levelSubjects(exam, 'full', 'construction').map((s) => s.code)).toEqual(['law', 'practice-construction']);
    expect(levelSubjects(exam, 'additional', 'chemical').map((s) => s.code)).toEqual(['practice-chemical']);
    expect(levelSubjects(exam, 'full', '')).toEqual([]);
    expect(subjectsToSit(exam, { levelCode: 'single', majorCode: 'chemical', subjectCode: 'law' }).map((s) => s.code)).toEqual(['law']);
  });
});

describe('corrections (M15)', () => {
  it('M15 a stored registration becomes a draft with the identity and phone from the prefill; marked items choose the first step', () => {
    const view = {
      examId: 7,
      levelCode: 'full',
      majorCode: 'chemical',
      subjectCode: null,
      certificateNo: null,
      certificateAttachmentId: null,
      fullName: '张测试',
      district: '浦东新区',
      employer: '上海某化工有限公司',
      educations: [{ level: 'college', school: '上海应用技术学院', major: '安全工程', fullTime: true, startDate: '2008-09-01', graduationDate: '2011-07-01', certificateNo: '125401201105000123', majorRelated: true }],
      workPeriods: [{ employer: '上海某化工有限公司', post: '安全管理员', startDate: '2015-03-01', endDate: null, safetyWork: true }],
    } as unknown as RegistrationView;
    const draft = draftFromView(view, { fullName: '张测试', idNumber: '31010119900101123X', phone: '13812345678', identityVerified: true });
    expect(validateDraft(draft, exam).errors).toEqual({});
    expect(draft.educations[0]).not.toHaveProperty('majorRelated');
    expect(draftFromView(view, null).idNumber).toBe('');
    expect(firstMarkedStep(['workPeriods', 'photo'])).toBe(STEP_DETAILS);
    expect(firstMarkedStep(['photo'])).toBe(STEP_CONFIRM);
    expect(firstMarkedStep([])).toBe(STEP_EXAM);
  });

  it('M15 states the day years are counted to in Chinese', () => {
    expect(chineseDate('2026-12-31')).toBe('2026年12月31日');
  });
});
