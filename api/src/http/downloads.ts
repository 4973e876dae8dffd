import type { Response } from 'express';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * Sends an Excel export as a download: `asciiName` for old clients, `fileName` (Chinese) as RFC 5987
 * `filename*`, never cached (exports carry personal data).
 */
export function sendWorkbook(res: Response, file: Buffer, names: { asciiName: string; fileName: string }): void {
  res
    .status(200)
    .type(XLSX_TYPE)
    .set('content-disposition', `attachment; filename="${names.asciiName}"; filename*=UTF-8''${encodeURIComponent(names.fileName)}`)
    .set('cache-control', 'private, no-store')
    .send(file);
}
