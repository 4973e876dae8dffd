import { describe, expect, it } from 'vitest';
import type { EducationRecord, WorkPeriod } from '../../contracts/registration';
import { historyErrors, safetyWorkYears } from './work-years';

const job = (startDate: string, endDate: string | null, safetyWork = true): WorkPeriod => ({ employer: '上海某公司', post: '安全员', startDate, endDate, safetyWork });
const study = (startDate: string, graduationDate: string, fullTime = true): EducationRecord => ({
  level: 'college', school: '上海某学院', major: '安全工程', fullTime, startDate, graduationDate, certificateNo: '123456789',
});

describe('years of safety-production work (DOMAIN.md 报考条件)', () => {
  it('M15 counts to 31 December of the exam year; an open period runs to that day', () => {
    expect(safetyWorkYears([job('2024-01-01', null)], [], 2026)).toMatchObject({ years: 3, months: 36, countedUntil: '2026-12-31' });
    expect(safetyWorkYears([job('2025-01-01', null)], [], 2026).years).toBe(2);
    expect(safetyWorkYears([job('2025-07-01', null)], [], 2026).years).toBe(1.5);
  });

  it('M15 sums periods before and after the education and leaves out non-safety work', () => {
    const work = [job('2015-01-01', '2015-12-31'), job('2016-01-01', '2019-12-31', false), job('2022-01-01', '2022-12-31')];
    expect(safetyWorkYears(work, [study('2019-09-01', '2021-07-01')], 2026).years).toBe(2);
  });

  it('M15 does not count time as a full-time student, but does count part-time study', () => {
    const work = [job('2020-01-01', '2021-12-31')];
    expect(safetyWorkYears(work, [study('2021-01-01', '2021-12-31')], 2026).years).toBe(1);
    expect(safetyWorkYears(work, [study('2021-01-01', '2021-12-31', false)], 2026).years).toBe(2);
  });

  it('M15 does not count beyond the exam year', () => {
    expect(safetyWorkYears([job('2025-01-01', null)], [], 2025).years).toBe(1);
  });

  it('M15 refuses future dates, ends before starts, overlapping periods, two open periods', () => {
    const today = new Date('2026-11-28T00:00:00Z');
    expect(historyErrors([job('2027-01-01', null)], [], today)).toEqual([{ field: 'workPeriods[0].startDate', message: '开始日期不能晚于今天' }]);
    expect(historyErrors([job('2020-01-01', '2019-01-01')], [], today).map((e) => e.field)).toEqual(['workPeriods[0].endDate']);
    expect(historyErrors([job('2020-01-01', '2022-06-30'), job('2022-06-01', null)], [], today)).toEqual([
      { field: 'workPeriods[1].startDate', message: '与第1段工作经历的时间重叠' },
    ]);
    expect(historyErrors([job('2020-01-01', '2022-05-31'), job('2022-06-01', null)], [], today)).toEqual([]);
    expect(historyErrors([job('2020-01-01', null), job('2010-01-01', null)], [], today).map((e) => e.field)).toContain('workPeriods');
    expect(historyErrors([], [study('2025-09-01', '2027-07-01')], today).map((e) => e.field)).toEqual(['educations[0].graduationDate']);
  });
});
