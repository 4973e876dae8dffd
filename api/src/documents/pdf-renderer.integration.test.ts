import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentService } from './document.service';
import { PdfRendererClosedError } from './document.errors';
import { PdfRenderer } from './pdf-renderer';
import { registrationFormSample } from './template-samples';

// One renderer for the whole file, with a pool of 2 so the bound is easy to exceed.
const POOL_SIZE = 2;
let renderer: PdfRenderer;
let documents: DocumentService;

/** Our renderer's Chromium (another test file sharing this worker process may have its own). */
let browserPid: number | undefined;

beforeAll(async () => {
  renderer = new PdfRenderer({ poolSize: POOL_SIZE });
  documents = new DocumentService({ renderer });
  const before = chromiumPids();
  await renderer.render('<p>warm-up</p>'); // launches the browser once
  browserPid = newChromium(before);
});

afterAll(async () => {
  await renderer.close();
});

interface PdfContent {
  pages: number;
  /** All text of all pages, whitespace removed (CJK text has no spaces; runs may be split). */
  text: string;
  fontNames: string[];
  images: number;
}

async function readPdf(pdf: Buffer): Promise<PdfContent> {
  const doc = await getDocument({ data: new Uint8Array(pdf), disableFontFace: true, verbosity: 0 }).promise;
  let text = '';
  const fontNames = new Set<string>();
  let images = 0;
  for (let n = 1; n <= doc.numPages; n += 1) {
    const page = await doc.getPage(n);
    const content = await page.getTextContent();
    text += content.items.map((item) => ('str' in item ? item.str : '')).join('');
    const ops = await page.getOperatorList();
    ops.fnArray.forEach((fn, i) => {
      if (fn === OPS.paintImageXObject) images += 1;
      if (fn !== OPS.setFont) return;
      const args: unknown = ops.argsArray[i];
      const fontId = Array.isArray(args) ? args[0] : undefined;
      if (typeof fontId !== 'string') return;
      const font: unknown = page.commonObjs.get(fontId);
      if (typeof font === 'object' && font !== null && 'name' in font && typeof font.name === 'string') fontNames.add(font.name);
    });
  }
  const pages = doc.numPages;
  await doc.destroy();
  return { pages, text: text.replace(/\s+/g, ''), fontNames: [...fontNames], images };
}

/** Chromium's main process: a child of this process whose command is chromium/chrome. */
function chromiumPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // pid (comm) state ppid …: comm may contain spaces, so split after the last ')'.
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === process.pid && /chrom/i.test(comm)) pids.push(Number(entry));
  }
  return pids;
}

function newChromium(before: number[]): number | undefined {
  const started = chromiumPids().filter((pid) => !before.includes(pid));
  expect(started).toHaveLength(1);
  return started[0];
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('PdfRenderer with the system Chromium', () => {
  it('M04 renders the registration form as a PDF with embedded CJK fonts and the candidate data', async () => {
    const pdf = await documents.renderPdf('registration-form', registrationFormSample);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    const content = await readPdf(pdf);
    expect(content.pages).toBe(1);
    // Real text (a ToUnicode map back to these characters), not boxes drawn for missing glyphs,
    // and 工, 人, 日, 长, 见 as ideographs, not the Kangxi radicals Chromium writes for them.
    const c = registrationFormSample.candidate;
    for (const expected of ['上海市初级注册安全工程师职业资格考试报名表', '报名号', registrationFormSample.registrationNumber, c.name, c.idNumber, c.employer, '身份证件号码', '出生日期1990年1月1日', '工作单位', '化工安全', '华东理工大学', '安全管理科副科长', '从事安全生产工作年限', '审核意见', '考生承诺', '本人承诺', '上海市职业能力考试院制']) {
      expect(content.text, expected).toContain(expected);
    }
    // Every font used is an embedded Noto CJK subset (Chromium embeds these CFF fonts as Type 3
    // outlines named after the source font, e.g. AAAAAA+NotoSerifCJKsc-Regular).
    expect(content.fontNames.length).toBeGreaterThan(0);
    for (const name of content.fontNames) expect(name).toMatch(/Noto(Serif|Sans)CJK/);
    expect(content.text).not.toMatch(/[\u2e80-\u2fdf]/);
    expect(content.images).toBe(1); // the photo, from its data: URL
  });

  it('keeps at most poolSize pages open while 6 renders run at once, queueing the rest', async () => {
    const pdfs = await Promise.all(Array.from({ length: 6 }, (_, i) => renderer.render(`<h1>并发 ${i}</h1>`)));
    for (const pdf of pdfs) expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const stats = renderer.stats();
    expect(stats.peakOpenPages).toBeLessThanOrEqual(POOL_SIZE);
    expect(stats.peakBusyPages).toBe(POOL_SIZE);
    expect(stats.peakQueued).toBe(6 - POOL_SIZE);
    expect(stats).toMatchObject({ openPages: POOL_SIZE, busyPages: 0, queued: 0 });
    // Pages were reused, not created per job: the pool never grew past its bound.
    expect((await readPdf(pdfs[5] ?? Buffer.alloc(0))).text).toContain('并发5');
  });

  it('S1 blocks every request but data: URLs, so a template reaches neither the network nor local files', async () => {
    const hits: string[] = [];
    let connections = 0;
    const server: Server = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.end('leaked');
    });
    server.on('connection', () => {
      connections += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const pdf = await renderer.render(`<!DOCTYPE html><html><head>
        <link rel="stylesheet" href="${origin}/style.css">
        <style>@import url("${origin}/import.css"); body { background: url("${origin}/bg.png"); }</style>
        <meta http-equiv="refresh" content="0; url=${origin}/refresh">
        </head><body><p>仅本地内容</p>
        <img src="${origin}/img.png"><iframe src="${origin}/frame"></iframe>
        <iframe src="file:///etc/passwd"></iframe><object data="file:///etc/hostname"></object>
        <script>document.body.append('script ran')</script></body></html>`);
      const { text } = await readPdf(pdf);
      expect(text).toContain('仅本地内容');
      expect(text).not.toContain('leaked');
      expect(text).not.toContain('root:');
      expect(text).not.toContain('scriptran'); // JavaScript is off in the rendering pages
      expect(hits).toEqual([]);
      expect(connections).toBe(0); // not even a TCP connect (Chromium pre-connects navigations)
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('relaunches the browser after it crashed, including for a render caught in the crash', async () => {
    const launchesBefore = renderer.stats().browserLaunches;
    const crashed = browserPid;
    expect(crashed).toBeDefined();
    const survivors = chromiumPids().filter((pid) => pid !== crashed);

    const caught = renderer.render('<p>渲染中崩溃</p>');
    process.kill(crashed ?? 0, 'SIGKILL');
    await until(() => !renderer.stats().browserConnected);

    const [retried, after] = await Promise.all([caught, renderer.render('<p>崩溃之后</p>')]);
    expect((await readPdf(retried)).text).toContain('渲染中崩溃');
    expect((await readPdf(after)).text).toContain('崩溃之后');
    const stats = renderer.stats();
    expect(stats.browserLaunches).toBe(launchesBefore + 1);
    expect(stats.browserConnected).toBe(true);
    expect(stats.openPages).toBeLessThanOrEqual(POOL_SIZE);
    expect(chromiumPids()).not.toContain(crashed);
    browserPid = newChromium(survivors);
  });

  // Last: it closes the shared renderer (afterAll's close() is then a no-op).
  it('close() lets accepted renders finish, then closes the browser and refuses new ones', async () => {
    const accepted = Array.from({ length: 3 }, (_, i) => renderer.render(`<p>关闭前 ${i}</p>`));
    const closed = renderer.close();
    await expect(renderer.render('<p>too late</p>')).rejects.toThrow(PdfRendererClosedError);
    for (const pdf of await Promise.all(accepted)) expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await closed;
    expect(renderer.stats()).toMatchObject({ browserConnected: false, openPages: 0, busyPages: 0 });
    await until(() => !chromiumPids().includes(browserPid ?? 0));
  });
});
