import { describe, expect, it } from 'vitest';
import { ChromiumNotFoundError } from './document.errors';
import { FifoSemaphore, PdfRenderer } from './pdf-renderer';

describe('PdfRenderer without a browser', () => {
  it('names the missing Chromium path and how to install it', async () => {
    const renderer = new PdfRenderer({ executablePath: '/nonexistent/chromium' });
    const failure = renderer.render('<p>x</p>');
    await expect(failure).rejects.toThrow(ChromiumNotFoundError);
    await expect(failure).rejects.toThrow(/\/nonexistent\/chromium.*apt-get install chromium/);
    expect(renderer.stats()).toMatchObject({ openPages: 0, busyPages: 0, queued: 0, failed: 1, browserLaunches: 0 });
    await renderer.close();
  });

  it('takes CHROMIUM_PATH from the environment and refuses a pool size below 1', () => {
    const previous = process.env.CHROMIUM_PATH;
    process.env.CHROMIUM_PATH = '/opt/chromium/chrome';
    try {
      expect(new PdfRenderer().executablePath).toBe('/opt/chromium/chrome');
    } finally {
      if (previous === undefined) delete process.env.CHROMIUM_PATH;
      else process.env.CHROMIUM_PATH = previous;
    }
    expect(new PdfRenderer().poolSize).toBe(4);
    expect(() => new PdfRenderer({ poolSize: 0 })).toThrow(RangeError);
    expect(() => new PdfRenderer({ poolSize: 1.5 })).toThrow(RangeError);
  });

  it('serves waiting callers in arrival order, handing each freed slot to the oldest', async () => {
    const slots = new FifoSemaphore(2);
    const order: number[] = [];
    await slots.acquire();
    await slots.acquire();
    const waiting = [1, 2, 3].map((n) => slots.acquire().then(() => order.push(n)));
    expect(slots.waiting).toBe(3);
    slots.release();
    await waiting[0];
    const late = slots.acquire().then(() => order.push(4)); // arrives after 2 and 3
    slots.release();
    slots.release();
    slots.release();
    await Promise.all([...waiting, late]);
    expect(order).toEqual([1, 2, 3, 4]);
    expect(slots.waiting).toBe(0);
  });
});
