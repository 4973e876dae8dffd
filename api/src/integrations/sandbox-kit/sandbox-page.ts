import crypto from 'node:crypto';
import type http from 'node:http';

/** The HTML pages sandboxes show people (sign-in, cashier, receipt verification): Chinese, self-contained, locked down. */

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** A sandbox's stylesheet and the CSP source that admits it: the only style a page may use. */
export interface PageStyle {
  css: string;
  hash: string;
}

export function pageStyle(css: string): PageStyle {
  return { css, hash: `'sha256-${crypto.createHash('sha256').update(css).digest('base64')}'` };
}

export interface SandboxPage {
  status: number;
  title: string;
  /** The platform's name in the banner (trusted text). */
  banner: string;
  style: PageStyle;
  /** The page's HTML (escape what came from a request). */
  body: string;
  /** Where a form of the page may send the browser besides the sandbox (its origin is allowed). */
  formTarget?: string;
}

/** Answers a page that loads nothing, runs no script, cannot be framed and is never cached. */
export function sendPage(res: http.ServerResponse, page: SandboxPage): void {
  const formAction = ["'self'", ...(page.formTarget ? [new URL(page.formTarget).origin] : [])].join(' ');
  res.writeHead(page.status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': `default-src 'none'; style-src ${page.style.hash}; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  });
  res.end(
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(page.title)}</title><style>${page.style.css}</style></head>` +
      `<body><header>${page.banner}</header><main>${page.body}</main></body></html>`,
  );
}
