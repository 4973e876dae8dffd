import type { TemplateDataMap } from './template-data';

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

export const templateSamples: TemplateDataMap = {
  'registration-form': registrationFormSample,
};
