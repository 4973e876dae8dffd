import { describe, expect, it } from 'vitest';
import type { RegistrationAdminDetail, RegistrationStatistics } from '../../../../api/src/contracts/registration-admin';
import { queryString } from '../../api/http';
import { searchProblem, statisticsExportUrl } from './registration-admin.api';
import { correctionFormOf, correctionRequest, formatShare, statisticsChartOption } from './registration-admin';

describe('registration search query (M23)', () => {
  it('M23 leaves out empty filters and encodes the rest', () => {
    expect(queryString({ examId: 3, fullName: ' 张 ', idNumber: '', status: undefined, district: '浦东新区', page: 2 })).toBe(
      'examId=3&fullName=%E5%BC%A0&district=%E6%B5%A6%E4%B8%9C%E6%96%B0%E5%8C%BA&page=2',
    );
    expect(statisticsExportUrl({ dimension: 'ageBand' })).toBe('/api/registration-admin/statistics/export.xlsx?dimension=ageBand');
  });

  it('M23 names what the server would refuse, in Chinese', () => {
    expect(searchProblem({})).toBeNull();
    expect(searchProblem({ idNumber: '31010119900101123X', fullName: '张' })).toBeNull();
    expect(searchProblem({ idNumber: '3101' })).toBe('证件号码应为18位，最后一位可以是数字或X');
    expect(searchProblem({ submittedFrom: '2026-03-02', submittedTo: '2026-03-01' })).toBe('报名截止日期不能早于开始日期');
  });
});

const statistics: RegistrationStatistics = {
  examId: 1,
  scopeLabel: '2026年考试',
  dimension: 'major',
  dimensionLabel: '报考专业',
  status: null,
  total: 4,
  rows: [
    { key: 'chemical', label: '化工安全', count: 3, share: 0.75 },
    { key: 'construction', label: '建筑施工安全', count: 1, share: 0.25 },
  ],
  generatedAt: '2026-03-01T00:00:00.000Z',
};

describe('statistics chart (M24)', () => {
  it('M24 draws one bar per group with its count', () => {
    const option = statisticsChartOption(statistics, 'bar');
    expect(option.xAxis).toMatchObject({ type: 'category', data: ['化工安全', '建筑施工安全'] });
    expect(option.series).toEqual([expect.objectContaining({ type: 'bar', data: [3, 1] })]);
  });

  it('M24 draws a pie of the same groups, without axes', () => {
    const option = statisticsChartOption(statistics, 'pie');
    expect(option.xAxis).toBeUndefined();
    expect(option.series).toEqual([
      expect.objectContaining({
        type: 'pie',
        data: [
          { name: '化工安全', value: 3 },
          { name: '建筑施工安全', value: 1 },
        ],
      }),
    ]);
  });

  it('M24 shows shares as percentages', () => {
    expect(formatShare(0.75)).toBe('75.00%');
    expect(formatShare(1 / 3)).toBe('33.33%');
    expect(formatShare(0)).toBe('0.00%');
  });
});

describe('correction request (M23)', () => {
  const detail = {
    registrationNo: 'BM2026000001',
    fullName: '张三丰',
    employer: '上海某化工有限公司',
    district: null,
    phoneMasked: '139****1000',
    levelCode: 'full',
    majorCode: 'chemical',
    correctable: ['fullName', 'employer', 'district', 'phone', 'levelCode', 'majorCode'],
  } as unknown as RegistrationAdminDetail;

  it('M23 sends only what changed, the phone only when a new one is typed, and always the reason', () => {
    const form = { ...correctionFormOf(detail), fullName: ' 张三峰 ', district: '闵行区', reason: '考生来电更正姓名' };
    expect(correctionRequest(detail, form)).toEqual({ fullName: '张三峰', district: '闵行区', reason: '考生来电更正姓名' });
    expect(correctionRequest(detail, { ...correctionFormOf(detail), phone: '13912345678', reason: '更换手机' })).toEqual({ phone: '13912345678', reason: '更换手机' });
    expect(correctionRequest(detail, correctionFormOf(detail))).toEqual({ reason: '' });
  });

  it('M23 leaves out fields that may not be corrected now (level and major after approval)', () => {
    const approved = { ...detail, correctable: ['fullName', 'employer', 'district', 'phone'] } as RegistrationAdminDetail;
    const form = { ...correctionFormOf(approved), majorCode: 'construction', employer: '上海另一单位', reason: '更正单位' };
    expect(correctionRequest(approved, form)).toEqual({ employer: '上海另一单位', reason: '更正单位' });
  });
});
