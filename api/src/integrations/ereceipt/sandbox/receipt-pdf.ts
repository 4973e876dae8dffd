/**
 * A one-page PDF written by hand (PDF 1.4, the standard Helvetica fonts, so no font files): what the
 * e-receipt sandbox hands out. Text is limited to printable ASCII; anything else prints as `?`
 * (the application's own documents, with Chinese text, are rendered by Chromium instead).
 */

import { formatCompactTime } from '../../wire-formats';

export interface SimplePdfContent {
  title: string;
  /** Label and value pairs, one line each. */
  rows: readonly (readonly [string, string])[];
  /** Small print at the bottom of the page. */
  footer: readonly string[];
  creationDate: Date;
}

const ascii = (text: string): string => text.replace(/[^\x20-\x7e]/g, '?');
const pdfString = (text: string): string => `(${ascii(text).replace(/[\\()]/g, (c) => `\\${c}`)})`;

/** `D:yyyyMMddHHmmss+08'00'` (Beijing). */
function pdfDate(date: Date): string {
  return `D:${formatCompactTime(date)}+08'00'`;
}

export function renderSimplePdf(content: SimplePdfContent): Buffer {
  const ops: string[] = [
    // A red double frame, as printed fiscal receipts have.
    'q 0.78 0.09 0.11 RG 1.5 w 36 36 523 770 re S 0.5 w 42 42 511 758 re S Q',
    `BT /F2 16 Tf 60 766 Td ${pdfString(content.title)} Tj ET`,
    'q 0.78 0.09 0.11 RG 0.8 w 60 752 m 535 752 l S Q',
  ];
  let y = 724;
  for (const [label, value] of content.rows) {
    ops.push(`BT /F2 10.5 Tf 60 ${y} Td ${pdfString(label)} Tj ET`, `BT /F1 10.5 Tf 200 ${y} Td ${pdfString(value)} Tj ET`);
    y -= 20;
  }
  y = 80 + 14 * content.footer.length;
  for (const line of content.footer) {
    ops.push(`BT /F1 8 Tf 60 ${y} Td ${pdfString(line)} Tj ET`);
    y -= 14;
  }
  const stream = ops.join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>',
    `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`,
    `<< /Title ${pdfString(content.title)} /Producer (e-receipt sandbox) /CreationDate (${pdfDate(content.creationDate)}) >>`,
  ];
  // Everything is ASCII but the binary-marker comment, so string length is byte length in latin1.
  let pdf = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 7 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}
