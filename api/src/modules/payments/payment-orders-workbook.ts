import ExcelJS from 'exceljs';
import { refundStatusLabels, type PaymentOrderRow } from '../../contracts/payment-admin';
import { formatShanghaiTime } from '../../security/audit-log';

/** The header row of the order table, in column order. */
export const PAYMENT_ORDER_HEADER = ['订单号', '平台订单号', '报名号', '考试', '姓名', '证件号码', '金额（元）', '订单状态', '下单时间', '支付时间', '退款状态', '电子票据号码'] as const;

export const paymentOrdersFileName = (at: Date): string => `缴费订单-${formatShanghaiTime(at).slice(0, 10)}.xlsx`;

/**
 * The order query as an Excel workbook (M25): a title, the conditions, the table as the console
 * shows it (personal data masked) and a total. Cells are values, never formulas, so text that came
 * from data cannot run; amounts are numbers in yuan with two decimals.
 */
export async function paymentOrdersWorkbook(rows: readonly PaymentOrderRow[], conditions: string, generatedAt: Date): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '上海市初级注册安全工程师管理子系统';
  workbook.created = generatedAt;
  const sheet = workbook.addWorksheet('缴费订单');
  sheet.columns = [22, 22, 20, 28, 10, 22, 12, 10, 18, 18, 14, 20].map((width) => ({ width }));

  const title = sheet.addRow(['缴费订单']);
  title.font = { bold: true, size: 14 };
  sheet.mergeCells(title.number, 1, title.number, PAYMENT_ORDER_HEADER.length);
  sheet.addRow([`查询条件：${conditions || '全部'}`]);
  sheet.addRow([`导出时间：${formatShanghaiTime(generatedAt)}`]);
  sheet.addRow([]);

  const header = sheet.addRow([...PAYMENT_ORDER_HEADER]);
  header.font = { bold: true };
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
    cell.border = { bottom: { style: 'thin' } };
  });
  const time = (value: string | null) => (value ? formatShanghaiTime(new Date(value)) : '');
  for (const r of rows) {
    const added = sheet.addRow([
      r.orderNo,
      r.tradeNo ?? '',
      r.registrationNo,
      r.examName,
      r.fullNameMasked,
      r.idNumberMasked,
      r.amountFen / 100,
      r.statusLabel,
      time(r.createdAt),
      time(r.paidAt),
      r.refundStatus ? refundStatusLabels[r.refundStatus] : '',
      r.receiptNo ?? '',
    ]);
    added.getCell(7).numFmt = '0.00';
  }
  const total = sheet.addRow(['合计', `${rows.length}笔`, '', '', '', '', rows.reduce((s, r) => s + r.amountFen, 0) / 100]);
  total.font = { bold: true };
  total.getCell(7).numFmt = '0.00';
  total.eachCell((cell) => {
    cell.border = { top: { style: 'thin' } };
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
