import { describe, expect, it } from 'vitest';
import type { InboxTask } from '../../api/src/contracts/task';
import type { TaskAttachment } from '../../api/src/contracts/task-attachments';
import { DEMO_PASSWORD } from '../../api/src/auth/seed';
import { input, signInPage, useConsole } from '../support/browser';
import { samplePdf } from '../support/pdf';
import { eventually, newCandidate, signIn, validApplication } from '../support/test-env';

const ui = useConsole();

describe('task attachments in the browser (U6)', () => {
  it('U6: in 评论 a reviewer uploads a PDF to the task, sees it listed with a download link, is told in Chinese when a file is not allowed, and deletes it', async () => {
    const api = await signIn(ui.ctx.app, 'reviewer1');
    const { agent } = await newCandidate(ui.ctx, 'att-e2e');
    const created = await agent.post('/api/registrations').send(await validApplication(ui.ctx));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const no = created.body.registrationNo as string;
    const task = await eventually(async () => ((await api.get('/api/tasks').query({ q: no })).body as InboxTask[])[0], `the review task of ${no}`);

    const page = await (await ui.browser.newContext({ locale: 'zh-CN' })).newPage();
    const failures: string[] = [];
    page.on('pageerror', (e) => failures.push(e.message));
    page.on('response', (r) => r.status() >= 500 && failures.push(`${r.status()} ${r.url()}`));
    await signInPage(page, ui.baseUrl, 'reviewer1', DEMO_PASSWORD);
    await page.goto(`${ui.baseUrl}/inbox/review`);
    await input(page, 'inbox-search').fill(no);
    await page.locator('[data-test=inbox-search-button]').click();
    const row = page.locator('tr.task-row', { hasText: no });
    await row.locator('[data-test=task-more]').click();
    await page.locator('[data-test=action-comment]:visible').click();
    const dialog = page.locator('[data-test=task-action-dialog]:visible');
    await dialog.locator('[data-test=task-attachments]').waitFor();
    await expect.poll(() => dialog.locator('[data-test=task-attachments]').textContent()).toContain('暂无附件');

    const fileInput = dialog.locator('[data-test=task-attachment-upload] input[type=file]');
    await fileInput.setInputFiles({ name: '核查记录.pdf', mimeType: 'application/pdf', buffer: samplePdf() });
    const listed = dialog.locator('[data-test=task-attachment]', { hasText: '核查记录.pdf' });
    await listed.waitFor();
    const [stored] = (await api.get(`/api/tasks/${task.id}/attachments`)).body as TaskAttachment[];
    expect(stored?.fileName).toBe('核查记录.pdf');
    expect(await listed.locator('a').getAttribute('href')).toBe(stored!.url);

    await fileInput.setInputFiles({ name: '安装包.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ\x90\x00 not a pdf', 'latin1') });
    await expect.poll(() => dialog.locator('[data-test=task-attachment-error]').textContent()).toContain('附件只能是JPG、PNG、PDF格式的文件');

    await listed.locator('[data-test=task-attachment-delete]').click();
    await listed.waitFor({ state: 'detached' });
    expect((await api.get(`/api/tasks/${task.id}/attachments`)).body).toEqual([]);
    expect(failures).toEqual([]);
  });
});
