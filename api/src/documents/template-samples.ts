import type { TemplateDataMap, TemplateName } from './template-data';

// Made-up data for every template: the template editor's live preview renders with it, and the
// tests and the benchmark use it. No real person's data.

/** A 1×1 light-grey PNG: stands in for a candidate's photo in previews and tests. */
export const SAMPLE_PHOTO_DATA_URL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGO4c+cOAAUsApUYk4oFAAAAAElFTkSuQmCC';

export const registrationFormSample: TemplateDataMap['registration-form'] = {
  registrationNumber: 'BM2025SH000123',
  photo: SAMPLE_PHOTO_DATA_URL,
  candidate: {
    name: '张晓明',
    gender: 'male',
    idNumber: '310101199001011234',
    birthDate: '1990-01-01',
    mobile: '13800138000',
    employer: '上海某某化工有限公司',
    address: '上海市浦东新区世纪大道100号',
  },
  application: {
    examName: '2025年度上海市初级注册安全工程师职业资格考试',
    level: '考全科',
    major: '化工安全',
    subjects: ['安全生产法律法规', '安全生产实务（化工安全）'],
  },
  education: [
    { level: '大专', school: '上海应用技术学院', major: '化学工程', graduationDate: '2011-07' },
    { level: '本科', school: '华东理工大学', major: '安全工程', graduationDate: '2016-01' },
  ],
  workHistory: [
    { startDate: '2011-07', endDate: '2016-06', employer: '上海某某石化设备有限公司', position: '安全员' },
    { startDate: '2016-07', endDate: null, employer: '上海某某化工有限公司', position: '安全管理科副科长' },
  ],
  safetyWorkYears: 13,
  review: { status: 'approved', opinion: '学历与工作年限符合报考条件。' },
  commitment: { signature: '张晓明', signedAt: '2025-03-05T14:07:00+08:00' },
  generatedAt: '2025-03-06T09:30:00+08:00',
};

export const examGuideSample: TemplateDataMap['exam-guide'] = {
  examName: '2025年度上海市初级注册安全工程师职业资格考试',
  year: 2025,
  registrationStart: '2025-03-01T09:00:00+08:00',
  registrationEnd: '2025-03-15T17:00:00+08:00',
  organiser: '上海市职业能力考试院',
  eligibility: ['在本市工作或居住，遵守国家法律、法规，恪守职业道德。', '具备下表规定的学历和从事安全生产业务工作年限。'],
  educationTable: [
    { education: '中专学历', related: '从事安全生产业务满4年', other: '从事安全生产业务满5年' },
    { education: '大专学历', related: '从事安全生产业务满2年', other: '从事安全生产业务满3年' },
    { education: '本科及以上学历', related: '从事安全生产业务工作', other: '从事安全生产业务工作' },
  ],
  educationNotes: ['学历须为国务院教育行政部门认可的学历或学位。'],
  levels: [
    { label: '考全科', subjects: ['安全生产法律法规', '安全生产实务'], condition: '参加两个科目的考试。', fee: 140 },
    { label: '考增项', subjects: ['安全生产实务'], condition: '已取得初级注册安全工程师职业资格证书，报考其他专业。', fee: 70 },
  ],
  subjects: [
    { name: '安全生产法律法规', duration: '2小时（上午）', paper: '单项选择题70题、多项选择题15题，满分100分，闭卷', fee: 70 },
    { name: '安全生产实务', duration: '2.5小时（下午）', paper: '单项选择题20题、案例分析题4题，满分100分，闭卷', fee: 70 },
  ],
  majors: ['化工安全', '金属冶炼安全', '建筑施工安全', '道路运输安全', '其他安全(不包括消防安全)'],
  photoRules: ['近期免冠正面证件照，白色或浅色背景。', 'JPG/JPEG格式，像素不低于295×413，文件大于10KB。'],
  payment: ['考试费按科目收取，每人每科70元。', '逾期未缴费的，视为自动放弃报名。'],
  commitment: ['考生须如实填报个人信息，并签署《告知承诺书》。'],
  contact: ['本指南由上海市职业能力考试院发布，报考事宜请咨询上海市职业能力考试院。'],
  version: '0123456789abcdef',
  generatedAt: '2025-02-20T09:30:00+08:00',
};

export const commitmentLetterSample: TemplateDataMap['commitment-letter'] = {
  examName: '2025年度上海市初级注册安全工程师职业资格考试',
  levelName: '考全科',
  majorName: '化工安全',
  fullName: '张晓明',
  idNumberMasked: '310101********1234',
  signedAt: '2025-03-05T14:07:00+08:00',
  signatureId: 'SIG-2025-000123',
};

/** The sample of every template: what the template editor previews a draft with. */
export const templateSamples: { [K in TemplateName]: TemplateDataMap[K] } = {
  'registration-form': registrationFormSample,
  'exam-guide': examGuideSample,
  'commitment-letter': commitmentLetterSample,
};
