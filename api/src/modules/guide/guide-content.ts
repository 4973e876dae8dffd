import { createHash } from 'node:crypto';
import { educationLabels, educationLevels, levelLabels } from '../../contracts/registration';
import type { ExamGuideContent } from '../../contracts/guide';
import { photoSettings } from '../photos/photo-processing';
import { minimumYears } from '../registration/eligibility';
import type { ExamRow } from '../exams/exam.service';

/**
 * What the guide states that an admin may vary (DOMAIN.md: fees per subject, organiser, payment
 * rules). These are the defaults; the admin settings store of a later issue hands its values here.
 */
export interface GuideSettings {
  organiser: string;
  /** 法律法规 and 实务: duration, paper, fee per sitting (yuan). */
  subjects: { law: SubjectSetting; practice: SubjectSetting };
  /** Extra lines under 咨询 (phone, address) as the organiser publishes them. */
  contact: string[];
}

export interface SubjectSetting {
  name: string;
  duration: string;
  paper: string;
  fee: number;
}

export const guideSettings: Readonly<GuideSettings> = Object.freeze({
  organiser: '上海市职业能力考试院',
  subjects: {
    law: { name: '安全生产法律法规', duration: '2小时（上午）', paper: '单项选择题70题（每题1分）、多项选择题15题（每题2分），满分100分，闭卷', fee: 70 },
    practice: { name: '安全生产实务', duration: '2.5小时（下午）', paper: '单项选择题20题（每题1分）、案例分析题4题（每题20分），满分100分，闭卷', fee: 70 },
  },
  contact: [],
});

function yearsText(required: number | null, year: number): string {
  return required === null ? '从事安全生产业务工作' : `从事安全生产业务满${required}年（计算至${year}年12月31日）`;
}

/** The education/years table of the eligibility rule, with 本科 and higher merged when they agree. */
function educationTable(year: number): ExamGuideContent['educationTable'] {
  const rows: ExamGuideContent['educationTable'] = [];
  for (let i = 0; i < educationLevels.length; i++) {
    const level = educationLevels[i]!;
    const rule = minimumYears[level];
    const rest = educationLevels.slice(i + 1);
    const sameAfter = rest.every((l) => minimumYears[l].related === rule.related && minimumYears[l].other === rule.other);
    if (sameAfter && rest.length > 0) {
      rows.push({ education: `${educationLabels[level]}及以上学历`, related: yearsText(rule.related, year), other: yearsText(rule.other, year) });
      break;
    }
    rows.push({ education: `${educationLabels[level]}学历`, related: yearsText(rule.related, year), other: yearsText(rule.other, year) });
  }
  return rows;
}

/** The guide of an exam, from the exam, the majors it offers and the settings. */
export function buildGuideContent(exam: ExamRow, majors: string[], settings: Readonly<GuideSettings> = guideSettings): ExamGuideContent {
  const { law, practice } = settings.subjects;
  return {
    examName: exam.name,
    year: exam.year,
    registrationStart: exam.registration_start.toISOString(),
    registrationEnd: exam.registration_end.toISOString(),
    organiser: settings.organiser,
    eligibility: [
      '在本市工作或居住，遵守国家法律、法规，恪守职业道德。',
      '具备下表规定的学历和从事安全生产业务工作年限。工作年限计算至考试当年12月31日，取得规定学历前后的工作年限可累计计算，全日制学习期间不计入工作年限。',
      '报考实行告知承诺制：考生在线签署《告知承诺书》，对所填报信息的真实性负责。',
    ],
    educationTable: educationTable(exam.year),
    educationNotes: [
      '学历须为国务院教育行政部门认可的学历或学位。',
      '香港、澳门、台湾居民报考，须持国务院教育行政部门认可的学历证书及学历认证报告。',
      '“安全工程或相关专业”以考试公布的相关专业目录为准。',
    ],
    levels: [
      { label: levelLabels.full, subjects: [law.name, practice.name], condition: '参加两个科目的考试，须在连续的2个考试年度内通过全部科目。', fee: law.fee + practice.fee },
      { label: levelLabels.additional, subjects: [practice.name], condition: '已取得初级注册安全工程师职业资格证书（任一省份），报考其他专业，只参加专业科目考试，并上传已有的证书。', fee: practice.fee },
      { label: levelLabels.single, subjects: [practice.name], condition: '只参加所报的一个科目的考试。', fee: practice.fee },
    ],
    subjects: [law, practice].map((s) => ({ name: s.name, duration: s.duration, paper: s.paper, fee: s.fee })),
    majors,
    photoRules: [
      '近期免冠正面证件照，白色或浅色背景。',
      `JPG/JPEG格式，像素不低于${photoSettings.minWidth}×${photoSettings.minHeight}（宽×高，25mm×35mm一寸照片），文件大于${photoSettings.minKb}KB。`,
      `系统将自动裁剪压缩至规定尺寸（不超过${photoSettings.maxKb}KB），不符合要求的，系统会提示原因。`,
    ],
    payment: [
      `考试费按科目收取，每人每科${law.fee === practice.fee ? `${law.fee}元` : `${law.name}${law.fee}元、${practice.name}${practice.fee}元`}。`,
      '资格审核通过后，须在缴费截止时间前通过本市公共支付平台完成网上缴费，系统开具财政电子票据。',
      '逾期未缴费的，视为自动放弃报名。',
    ],
    commitment: [
      '考生须如实填报个人信息、学历和工作经历，并签署《告知承诺书》；承诺签署后报名信息锁定，撤回确认后方可修改。',
      '考前对报考条件进行抽查，考后对合格人员进行复核；提供虚假信息的，报名或考试成绩无效，所缴费用不予退还。',
      '考试当天出示的有效身份证件须与报名时一致。',
    ],
    contact: [`本指南由${settings.organiser}发布，报考事宜请咨询${settings.organiser}。`, ...settings.contact],
  };
}

/** The version of a guide: a hash of what it states, so a confirmation names the text read. */
export function guideVersion(content: ExamGuideContent): string {
  return createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16);
}
