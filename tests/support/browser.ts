import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { defaultWebDist } from '../../api/src/app';
import { CHROMIUM_ARGS } from '../../api/src/documents/pdf-renderer';
import { createTestContext, listen, type TestContext } from './test-env';

/** The real console served by the real API (as `npm start` serves it) and one Chromium, per test file. */
export interface ConsoleUnderTest {
  ctx: TestContext;
  baseUrl: string;
  browser: Browser;
  close(): Promise<void>;
}

async function startConsole(): Promise<ConsoleUnderTest> {
  if (!fs.existsSync(path.join(defaultWebDist, 'index.html'))) throw new Error('web/dist is missing: run `npm run build:web` first (npm test does)');
  const ctx = createTestContext({ webDist: defaultWebDist });
  const server = await listen(ctx.app);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS] });
  return {
    ctx,
    baseUrl: server.baseUrl,
    browser,
    close: async () => {
      await browser.close();
      await server.close();
      await ctx.close();
    },
  };
}

/** Starts the console before the file's tests and stops it after them; read its parts once they run. */
export function useConsole(): ConsoleUnderTest {
  let ui: ConsoleUnderTest | undefined;
  beforeAll(async () => {
    ui = await startConsole();
  });
  afterAll(() => ui?.close());
  const started = (): ConsoleUnderTest => {
    if (!ui) throw new Error('the console is not started yet (use it inside a test or hook)');
    return ui;
  };
  return {
    get ctx() {
      return started().ctx;
    },
    get baseUrl() {
      return started().baseUrl;
    },
    get browser() {
      return started().browser;
    },
    close: () => started().close(),
  };
}

/** An element-plus input (the data-test sits on the wrapper or on the input itself). */
export const input = (page: Page, testId: string) => page.locator(`[data-test=${testId}] input, input[data-test=${testId}]`).first();

export async function signInPage(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await input(page, 'login-username').fill(username);
  await input(page, 'login-password').fill(password);
  await page.locator('[data-test=login-submit]').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** Picks an option of an element-plus select by its visible label. */
export async function choose(page: Page, testId: string, label: string): Promise<void> {
  await page.locator(`[data-test=${testId}]`).click();
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: label }).first().click();
}

/** Reloads the reviewer's inbox until the case's row is there (the pre-check worker hands it over asynchronously). */
export async function waitForInboxRow(page: Page, registrationNo: string) {
  const row = page.locator('tr.task-row', { hasText: registrationNo });
  await expect
    .poll(
      async () => {
        await page.reload();
        // The inbox renders after its request returns; give a slow machine time before looking again.
        return row.waitFor({ timeout: 5_000 }).then(
          () => true,
          () => false,
        );
      },
      { timeout: 60_000 },
    )
    .toBe(true);
  return row;
}
