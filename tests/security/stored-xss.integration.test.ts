import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { pdfText } from '../support/pdf';
import { defaultWebDist } from '../../api/src/app';
import type { RegistrationView } from '../../api/src/contracts/registration';
import { CHROMIUM_ARGS } from '../../api/src/documents/pdf-renderer';
import { DEMO_PASSWORD } from '../../api/src/auth/seed';
import { checkUpload, uploadPresets } from '../../api/src/http/uploads';
import { createTestContext, eventually, listen, newCandidate, validApplication, type TestContext } from '../support/test-env';
import { signInPage, waitForInboxRow } from '../support/browser';

let ctx: TestContext;
let server: { baseUrl: string; close(): Promise<void> };
let browser: Browser;

/** A server the payloads point at: any request or even a TCP connection to it means a leak. */
let probe: http.Server;
let probeOrigin: string;
const probeHits: string[] = [];
let probeConnections = 0;

beforeAll(async () => {
  if (!fs.existsSync(path.join(defaultWebDist, 'index.html'))) throw new Error('web/dist is missing: run `npm run build:web` first (npm test does)');
  ctx = createTestContext({ webDist: defaultWebDist });
  server = await listen(ctx.app);
  probe = http.createServer((req, res) => {
    probeHits.push(req.url ?? '');
    res.end('leaked');
  });
  probe.on('connection', () => {
    probeConnections += 1;
  });
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  probeOrigin = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS] });
});

afterAll(async () => {
  await browser?.close();
  probe?.closeAllConnections();
  await new Promise((resolve) => probe?.close(resolve));
  await server?.close();
  await ctx?.close();
});

/** A page that records every dialog (dismissed), uncaught error and failed same-origin response. */
async function watchedPage(context: BrowserContext, who: string, problems: string[]): Promise<Page> {
  const page = await context.newPage();
  page.on('dialog', (d) => {
    problems.push(`${who} dialog: ${d.type()} ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => problems.push(`${who} pageerror: ${e.message}`));
  page.on('response', (r) => r.status() >= 500 && problems.push(`${who}: ${r.status()} ${r.url()}`));
  return page;
}

const signIn = (page: Page, username: string, password: string) => signInPage(page, server.baseUrl, username, password);

describe('stored XSS is rendered as text (S1)', () => {
  it('S1 an XSS employer and review comment show literally in the console and the registration-form PDF; nothing runs or loads', async () => {
    // Markup, an external image, inline script and Vue/handlebars template syntax in one field each.
    const employer = `"><img src=${probeOrigin}/e.png onerror=alert(1)><script>alert(2)</script>{{7*7}}`;
    const comment = `</textarea><svg onload=alert(3)><iframe src="javascript:alert(4)"></iframe><link rel=stylesheet href=${probeOrigin}/c.css>\${alert(5)}{{constructor.constructor('alert(6)')()}}{{{employer}}}`;
    expect(employer.length).toBeLessThanOrEqual(100);

    const { agent, username } = await newCandidate(ctx, 'xss');
    const created = await agent.post('/api/registrations').send(await validApplication(ctx, { employer }));
    expect(created.status).toBe(201);
    const registrationNo = (created.body as RegistrationView).registrationNo;
    const problems: string[] = [];

    // --- the reviewer: inbox, claim, and the comment typed into the review dialog ---
    const reviewerContext = await browser.newContext({ locale: 'zh-CN' });
    const reviewer = await watchedPage(reviewerContext, 'reviewer', problems);
    await signIn(reviewer, 'reviewer1', DEMO_PASSWORD);
    await reviewer.goto(`${server.baseUrl}/inbox/review`);
    const row = await waitForInboxRow(reviewer, registrationNo);
    await row.locator('[data-test=task-claim]').click();
    await row.locator('[data-test=task-review]').click();
    await reviewer.locator('[data-test=review-approve]').click();
    const textarea = reviewer.locator('[data-test=review-comment] textarea, textarea[data-test=review-comment]').first();
    await textarea.fill(comment);
    expect(await textarea.inputValue()).toBe(comment);
    await reviewer.locator('[data-test=review-submit]').click();
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(0);
    await eventually(async () => ((await agent.get(`/api/registrations/${registrationNo}`)).body as RegistrationView).reviewComment === comment, 'the review comment to be recorded');

    // --- the candidate's detail page ---
    const candidateContext = await browser.newContext({ locale: 'zh-CN' });
    const candidate = await watchedPage(candidateContext, 'candidate', problems);
    await signIn(candidate, username, 'Test@2026');
    await candidate.goto(`${server.baseUrl}/portal/registrations/${registrationNo}`);
    await expect.poll(() => candidate.locator('[data-test=review-comment-text]').textContent(), { timeout: 15_000 }).toBe(comment);
    const details = (await candidate.locator('.registration-detail').textContent()) ?? '';
    expect(details).toContain(employer); // {{7*7}} included: no template was evaluated
    // Nothing of the payloads became elements.
    expect(await candidate.locator(`img[src^="${probeOrigin}"], iframe, link[href^="${probeOrigin}"]`).count()).toBe(0);
    expect(await candidate.locator('script:not([src])').count()).toBe(0);

    // --- the registration form PDF ---
    const download = await agent
      .get(`/api/registrations/${registrationNo}/form.pdf`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(download.status).toBe(200);
    const pdf = download.body as Buffer;
    const text = await pdfText(pdf);
    expect(text).toContain(employer.replace(/\s+/g, ''));
    expect(text).toContain(comment.replace(/\s+/g, ''));
    expect(text).not.toContain('leaked');
    // Our own documents pass our own upload check (no script, no launch action, no embedded file).
    await expect(checkUpload({ field: 'form', ...uploadPresets.material }, pdf)).resolves.toMatchObject({ kind: 'pdf' });

    expect(problems).toEqual([]);
    expect(probeHits).toEqual([]);
    expect(probeConnections).toBe(0);
    await reviewerContext.close();
    await candidateContext.close();
  }, 180_000);
});
