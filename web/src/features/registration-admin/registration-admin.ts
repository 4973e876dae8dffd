import type { BarSeriesOption, PieSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import type {
  CorrectableField,
  RegistrationAdminDetail,
  RegistrationStatistics,
} from '../../../../api/src/contracts/registration-admin';

export type ChartKind = 'bar' | 'pie';
export type StatisticsChartOption = ComposeOption<BarSeriesOption | PieSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption>;

/** `0.2512` → `25.12%`. */
export const formatShare = (share: number): string => `${(Math.round(share * 10_000) / 100).toFixed(2)}%`;

/** The ECharts option for a statistic: a bar per group, or a pie of the groups (M24). */
export function statisticsChartOption(s: RegistrationStatistics, kind: ChartKind): StatisticsChartOption {
  const name = `${s.dimensionLabel}（人）`;
  if (kind === 'pie') {
    return {
      tooltip: { trigger: 'item', formatter: '{b}：{c}人（{d}%）' },
      legend: { type: 'scroll', bottom: 0 },
      series: [
        {
          type: 'pie',
          name,
          radius: ['35%', '65%'],
          center: ['50%', '45%'],
          label: { formatter: '{b}\n{c}人' },
          data: s.rows.map((r) => ({ name: r.label, value: r.count })),
        },
      ],
    };
  }
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 48, right: 24, top: 24, bottom: 72 },
    xAxis: { type: 'category', data: s.rows.map((r) => r.label), axisLabel: { interval: 0, rotate: s.rows.length > 6 ? 30 : 0 } },
    yAxis: { type: 'value', minInterval: 1, name: '人数' },
    series: [{ type: 'bar', name, barMaxWidth: 48, label: { show: true, position: 'top' }, data: s.rows.map((r) => r.count) }],
  };
}

/** The correction form as the admin fills it in; an empty phone means "keep the phone". */
export interface CorrectionForm {
  fullName: string;
  employer: string;
  district: string;
  phone: string;
  levelCode: string;
  majorCode: string;
  reason: string;
}

export function correctionFormOf(d: RegistrationAdminDetail): CorrectionForm {
  return { fullName: d.fullName, employer: d.employer, district: d.district ?? '', phone: '', levelCode: d.levelCode, majorCode: d.majorCode, reason: '' };
}

/**
 * The request for what the admin changed: only fields that differ from the registration and that
 * may be corrected now; the server checks again. Values are sent as typed; the contract trims them.
 */
export function correctionRequest(d: RegistrationAdminDetail, form: CorrectionForm): Record<string, string> {
  const current: Record<Exclude<CorrectableField, 'phone'>, string> = {
    fullName: d.fullName,
    employer: d.employer,
    district: d.district ?? '',
    levelCode: d.levelCode,
    majorCode: d.majorCode,
  };
  const body: Record<string, string> = { reason: form.reason };
  for (const field of d.correctable) {
    const value = form[field].trim();
    if (field === 'phone' ? value !== '' : value !== current[field]) body[field] = value;
  }
  return body;
}
