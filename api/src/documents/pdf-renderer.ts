import { access, constants } from 'node:fs/promises';
import { chromium, type Browser, type BrowserContext, type Page, type Route } from 'playwright-core';
import { ChromiumNotFoundError, PdfRendererClosedError } from './document.errors';
import { repairCjkToUnicode } from './pdf-tounicode-repair';

/** Flags for the system Chromium: headless, no sandbox (containers), and no network at all. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** The renderer's browser reaches nothing at all. */
const RENDERER_ARGS: readonly string[] = [
  ...CHROMIUM_ARGS,
  // Resolve no host, IP literals included: request interception stops requests, but Chromium
  // opens a TCP connection for a navigation (iframe, meta refresh) before interception sees it.
  '--host-resolver-rules=MAP * ~NOTFOUND',
];

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

export interface PdfRendererOptions {
  /** Pages rendering at once; further callers wait in FIFO order. Default 4. */
  poolSize?: number;
  /** Default: env CHROMIUM_PATH, else /usr/bin/chromium. */
  executablePath?: string;
  /** Limit for launching the browser, loading the HTML and printing it, each, in ms. Default 30 000. */
  timeoutMs?: number;
}

export interface PdfRenderOptions {
  format?: 'A4';
  landscape?: boolean;
}

export interface PdfRendererStats {
  poolSize: number;
  /** Pages that exist now (busy + idle), and the most that ever existed at once. */
  openPages: number;
  peakOpenPages: number;
  /** Pages rendering now, and the most that ever rendered at once. */
  busyPages: number;
  peakBusyPages: number;
  /** Callers waiting for a page now, and the longest the queue ever was. */
  queued: number;
  peakQueued: number;
  rendered: number;
  /** Attempts that failed, including a crashed attempt that was then retried successfully. */
  failed: number;
  browserLaunches: number;
  browserConnected: boolean;
}

interface PooledPage {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  crashed: boolean;
}

const BLANK_DOCUMENT = '<!DOCTYPE html><title></title>';

/** Print margins for official forms; page size and margins are owned here, not by template CSS. */
const PAGE_MARGIN = { top: '15mm', bottom: '15mm', left: '15mm', right: '15mm' };

/** A counting semaphore whose waiters are served strictly in arrival order. */
export class FifoSemaphore {
  private readonly waiters: (() => void)[] = [];

  constructor(private permits: number) {}

  get waiting(): number {
    return this.waiters.length;
  }

  acquire(): Promise<void> {
    if (this.permits > 0) {
      this.permits -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    // Hand the permit straight to the oldest waiter so no newcomer can overtake it.
    if (next) next();
    else this.permits += 1;
  }
}

/**
 * Templates may embed `data:` URLs (photos, seals) and nothing else: no network, no local files.
 * A navigation (meta refresh, iframe) is answered 204 No Content, which leaves the document where it
 * is; aborting it instead would replace the document with an error page and break printing.
 */
function allowOnlyDataUrls(route: Route): Promise<void> {
  const request = route.request();
  if (request.url().startsWith('data:')) return route.continue();
  if (request.isNavigationRequest()) return route.fulfill({ status: 204 });
  return route.abort('blockedbyclient');
}

/** page.pdf() takes no timeout; a print that never returns must not hold a pool slot forever. */
function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Renders HTML to PDF in the system Chromium. One browser is shared (launched on first use and
 * relaunched when it dies); at most `poolSize` pages exist, each in its own context with JavaScript
 * off, and they are reused across jobs.
 */
export class PdfRenderer {
  readonly poolSize: number;
  readonly executablePath: string;
  private readonly timeoutMs: number;

  private browser: Browser | null = null;
  private launching: Promise<Browser> | null = null;
  private readonly slots: FifoSemaphore;
  private readonly idle: PooledPage[] = [];
  private readonly open = new Set<PooledPage>();
  private inFlight = 0;
  private drainWaiters: (() => void)[] = [];
  private closing: Promise<void> | null = null;
  private readonly counters = { peakOpenPages: 0, busyPages: 0, peakBusyPages: 0, peakQueued: 0, rendered: 0, failed: 0, browserLaunches: 0 };

  constructor(options: PdfRendererOptions = {}) {
    const poolSize = options.poolSize ?? 4;
    if (!Number.isInteger(poolSize) || poolSize < 1) throw new RangeError(`poolSize must be a positive integer, got ${poolSize}`);
    this.poolSize = poolSize;
    this.executablePath = options.executablePath ?? process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM_PATH;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.slots = new FifoSemaphore(poolSize);
  }

  async render(html: string, options: PdfRenderOptions = {}): Promise<Buffer> {
    if (this.closing) throw new PdfRendererClosedError();
    this.inFlight += 1;
    try {
      const first = await this.renderOnce(html, options);
      if (first.ok) return repairCjkToUnicode(first.pdf);
      // The browser or the page's renderer died under this job (crash, OOM kill): retry once on a
      // fresh page, so a crash costs latency, not a failed document. A second failure is final.
      if (first.crashed) {
        const second = await this.renderOnce(html, options);
        if (second.ok) return repairCjkToUnicode(second.pdf);
        throw second.error;
      }
      throw first.error;
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) for (const resolve of this.drainWaiters.splice(0)) resolve();
    }
  }

  stats(): PdfRendererStats {
    return {
      poolSize: this.poolSize,
      openPages: this.open.size,
      peakOpenPages: this.counters.peakOpenPages,
      busyPages: this.counters.busyPages,
      peakBusyPages: this.counters.peakBusyPages,
      queued: this.slots.waiting,
      peakQueued: this.counters.peakQueued,
      rendered: this.counters.rendered,
      failed: this.counters.failed,
      browserLaunches: this.counters.browserLaunches,
      browserConnected: this.browser?.isConnected() ?? false,
    };
  }

  /** Refuses new jobs, lets the accepted ones (running and queued) finish, then closes the browser. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    const browser = this.browser ?? (await this.launching?.catch(() => null)) ?? null;
    await Promise.all(this.idle.splice(0).map((pooled) => this.discard(pooled)));
    this.browser = null;
    if (browser?.isConnected()) await browser.close();
  }

  private async renderOnce(
    html: string,
    options: PdfRenderOptions,
  ): Promise<{ ok: true; pdf: Buffer } | { ok: false; error: unknown; crashed: boolean }> {
    const slot = this.slots.acquire();
    this.counters.peakQueued = Math.max(this.counters.peakQueued, this.slots.waiting);
    await slot;
    this.counters.busyPages += 1;
    this.counters.peakBusyPages = Math.max(this.counters.peakBusyPages, this.counters.busyPages);
    let pooled: PooledPage | undefined;
    let healthy = false;
    try {
      pooled = await this.takePage();
      await pooled.page.setContent(html, { waitUntil: 'load' });
      const pdf = await withTimeout(
        pooled.page.pdf({ format: options.format ?? 'A4', landscape: options.landscape ?? false, printBackground: true, margin: PAGE_MARGIN }),
        this.timeoutMs,
        'printing to PDF',
      );
      healthy = true;
      this.counters.rendered += 1;
      return { ok: true, pdf };
    } catch (error) {
      this.counters.failed += 1;
      const crashed = pooled !== undefined && (pooled.crashed || !pooled.browser.isConnected());
      return { ok: false, error, crashed };
    } finally {
      if (pooled) await this.givePageBack(pooled, healthy);
      this.counters.busyPages -= 1;
      this.slots.release();
    }
  }

  /** Called only while holding a slot, so pages never outnumber slots. */
  private async takePage(): Promise<PooledPage> {
    const browser = await this.getBrowser();
    for (let pooled = this.idle.pop(); pooled; pooled = this.idle.pop()) {
      if (pooled.browser === browser && !pooled.crashed && !pooled.page.isClosed()) return pooled;
      await this.discard(pooled);
    }
    const context = await browser.newContext({
      javaScriptEnabled: false, // templates are static documents; no script runs even if one is injected
      serviceWorkers: 'block',
      acceptDownloads: false,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    try {
      await context.route(() => true, allowOnlyDataUrls);
      const page = await context.newPage();
      page.setDefaultTimeout(this.timeoutMs);
      const pooled: PooledPage = { browser, context, page, crashed: false };
      page.on('crash', () => {
        pooled.crashed = true;
      });
      this.open.add(pooled);
      this.counters.peakOpenPages = Math.max(this.counters.peakOpenPages, this.open.size);
      return pooled;
    } catch (error) {
      await context.close().catch(() => undefined);
      throw error;
    }
  }

  private async givePageBack(pooled: PooledPage, healthy: boolean): Promise<void> {
    if (healthy && !pooled.crashed && pooled.browser.isConnected()) {
      try {
        // Replace the document, so nothing of this job's data stays in a reused page. (An empty
        // setContent costs ~15 ms; navigating to about:blank costs ~70 ms.)
        await pooled.page.setContent(BLANK_DOCUMENT, { waitUntil: 'load' });
        this.idle.push(pooled);
        return;
      } catch {
        // fall through: a page that cannot be reset is replaced
      }
    }
    await this.discard(pooled);
  }

  private async discard(pooled: PooledPage): Promise<void> {
    this.open.delete(pooled);
    if (pooled.browser.isConnected()) await pooled.context.close().catch(() => undefined);
  }

  private getBrowser(): Promise<Browser> {
    if (this.browser?.isConnected()) return Promise.resolve(this.browser);
    this.launching ??= this.launch().finally(() => {
      this.launching = null;
    });
    return this.launching;
  }

  private async launch(): Promise<Browser> {
    try {
      await access(this.executablePath, constants.X_OK);
    } catch (error) {
      throw new ChromiumNotFoundError(this.executablePath, error);
    }
    const browser = await chromium.launch({
      executablePath: this.executablePath,
      args: [...RENDERER_ARGS],
      timeout: this.timeoutMs,
      // Shutdown belongs to the application, which calls close() to drain jobs first. Chromium
      // still exits with our process: it is driven over a pipe that closes when we do.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    browser.on('disconnected', () => {
      if (this.browser === browser) this.browser = null;
      // Idle pages of a dead browser are gone; busy ones are dropped when their job returns them.
      for (const pooled of this.idle.filter((p) => p.browser === browser)) {
        this.idle.splice(this.idle.indexOf(pooled), 1);
        this.open.delete(pooled);
      }
    });
    this.counters.browserLaunches += 1;
    this.browser = browser;
    return browser;
  }
}
