import type { EducationRecord, WorkPeriod } from '../../contracts/registration';
import type { FieldError } from '../../http/errors';

const DAY = 86_400_000;

/** A date-only value as a day number (UTC), so periods add up without time-zone surprises. */
const dayOf = (iso: string): number => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY);
const isoOf = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);

/** Inclusive day ranges, merged where they touch or overlap. */
type Range = [number, number];
function merge(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out.at(-1);
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}
const length = (ranges: Range[]): number => ranges.reduce((sum, [a, b]) => sum + (b - a + 1), 0);
function intersect(a: Range[], b: Range[]): Range[] {
  const out: Range[] = [];
  for (const x of a) for (const y of b) {
    const from = Math.max(x[0], y[0]);
    const to = Math.min(x[1], y[1]);
    if (from <= to) out.push([from, to]);
  }
  return merge(out);
}

export interface WorkYears {
  /** Days of safety-production work counted (not while a full-time student). */
  days: number;
  /** Whole months, a year being 365 days (按365天计一年). */
  months: number;
  /** Years, rounded down to one decimal. */
  years: number;
  /** The last day counted: 31 December of the exam year. */
  countedUntil: string;
}

/**
 * Years of safety-production work (DOMAIN.md 报考条件): every period marked as safety work, before and
 * after the qualifying education, counted up to 31 December of the exam year, without the time spent as
 * a full-time student. A period without an end runs to that day.
 */
export function safetyWorkYears(work: WorkPeriod[], educations: EducationRecord[], examYear: number): WorkYears {
  const until = dayOf(`${examYear}-12-31`);
  const worked = merge(
    work
      .filter((w) => w.safetyWork)
      .map((w): Range => [dayOf(w.startDate), Math.min(w.endDate ? dayOf(w.endDate) : until, until)])
      .filter(([a, b]) => a <= b),
  );
  const studying = merge(educations.filter((e) => e.fullTime).map((e): Range => [dayOf(e.startDate), dayOf(e.graduationDate)]));
  const days = length(worked) - length(intersect(worked, studying));
  const months = Math.floor((days * 12) / 365);
  return { days, months, years: Math.floor((days * 10) / 365) / 10, countedUntil: isoOf(until) };
}

/** Dates that cannot be: in the future, ends before starts, work periods that overlap each other. */
export function historyErrors(work: WorkPeriod[], educations: EducationRecord[], today: Date): FieldError[] {
  const errors: FieldError[] = [];
  const now = Math.floor(today.getTime() / DAY);
  educations.forEach((e, i) => {
    if (dayOf(e.startDate) > now) errors.push({ field: `educations[${i}].startDate`, message: '入学日期不能晚于今天' });
    if (dayOf(e.graduationDate) > now) errors.push({ field: `educations[${i}].graduationDate`, message: '毕业日期不能晚于今天，报考须已取得学历' });
    if (dayOf(e.graduationDate) <= dayOf(e.startDate)) errors.push({ field: `educations[${i}].graduationDate`, message: '毕业日期应晚于入学日期' });
  });
  work.forEach((w, i) => {
    if (dayOf(w.startDate) > now) errors.push({ field: `workPeriods[${i}].startDate`, message: '开始日期不能晚于今天' });
    if (w.endDate !== null) {
      if (dayOf(w.endDate) > now) errors.push({ field: `workPeriods[${i}].endDate`, message: '结束日期不能晚于今天；仍在职请不填结束日期' });
      if (dayOf(w.endDate) < dayOf(w.startDate)) errors.push({ field: `workPeriods[${i}].endDate`, message: '结束日期不能早于开始日期' });
    }
  });
  const open = work.filter((w) => w.endDate === null).length;
  if (open > 1) errors.push({ field: 'workPeriods', message: '只能有一段工作经历为“至今”' });
  // One job at a time: periods may touch but not overlap.
  const spans = work.map((w, i) => ({ i, from: dayOf(w.startDate), to: w.endDate ? dayOf(w.endDate) : Number.POSITIVE_INFINITY }));
  for (const a of spans) {
    const clash = spans.find((b) => b.i < a.i && a.from <= b.to && b.from <= a.to);
    if (clash) errors.push({ field: `workPeriods[${a.i}].startDate`, message: `与第${clash.i + 1}段工作经历的时间重叠` });
  }
  return errors;
}
