import ExcelJS from 'exceljs';
import { registrationStatusLabels } from '../../contracts/registration';
import type { RegistrationStatistics } from '../../contracts/registration-admin';
import { formatShanghaiTime } from '../../security/audit-log';

/** The header row of the table (the first cell names the dimension). */
export const STATISTICS_HEADER = ['人数', '占比'] as const;

/** The file name as the browser saves it. */
export const statisticsFileName = (s: RegistrationStatistics): string => `报名统计-${s.dimensionLabel}.xlsx`;

/**
 * The statistic as an Excel workbook (M24): a title, the scope, the table as the console shows it
 * and a total. Cells are values, never formulas, so labels that came from data cannot run.
 */
export async function statisticsWorkbook(s: RegistrationStatistics): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '上海市初级注册安全工程师管理子系统';
  workbook.created = new Date(s.generatedAt);
  const sheet = workbook.addWorksheet('报名统计');
  sheet.columns = [{ width: 28 }, { width: 12 }, { width: 12 }];

  const title = sheet.addRow([`报名信息统计（按${s.dimensionLabel}）`]);
  title.font = { bold: true, size: 14 };
  sheet.mergeCells(title.number, 1, title.number, 3);
  const scope = `统计范围：${s.scopeLabel}${s.status ? `；报名状态：${registrationStatusLabels[s.status]}` : ''}`;
  sheet.addRow([scope]);
  sheet.addRow([`统计时间：${formatShanghaiTime(new Date(s.generatedAt))}`]);
  sheet.addRow([]);

  const header = sheet.addRow([s.dimensionLabel, ...STATISTICS_HEADER]);
  header.font = { bold: true };
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
    cell.border = { bottom: { style: 'thin' } };
  });
  for (const row of s.rows) {
    const added = sheet.addRow([row.label, row.count, row.share]);
    added.getCell(3).numFmt = '0.00%';
  }
  // By subject a registration counts once per subject it sits, so the rows add up to more than the total.
  const total = sheet.addRow([s.dimension === 'subject' ? '报名人数（合计）' : '合计', s.total, s.total === 0 ? 0 : 1]);
  total.font = { bold: true };
  total.getCell(3).numFmt = '0.00%';
  total.eachCell((cell) => {
    cell.border = { top: { style: 'thin' } };
  });
  if (s.dimension === 'subject') sheet.addRow(['注：考全科的考生同时计入两个科目，各科目人数之和可能大于报名人数。']);

  return Buffer.from(await workbook.xlsx.writeBuffer());
}
