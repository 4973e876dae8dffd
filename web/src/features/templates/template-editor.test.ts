import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { templateBodyLimits } from '../../../../api/src/contracts/templates';
import { bodySizeProblem, debounce, editorSourceLabel, latestOnly, versionActions, versionLabel } from './template-editor';

describe('template editor: live preview timing (M03)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('M03 previews once, with the last text, after typing pauses', () => {
    const calls: string[] = [];
    const preview = debounce((body: string) => calls.push(body), 500);
    preview('<p>a');
    vi.advanceTimersByTime(300);
    preview('<p>ab');
    vi.advanceTimersByTime(300);
    preview('<p>abc</p>');
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(500);
    expect(calls).toEqual(['<p>abc</p>']);
  });

  it('cancel drops a pending preview', () => {
    const calls: string[] = [];
    const preview = debounce((body: string) => calls.push(body), 500);
    preview('x');
    preview.cancel();
    vi.advanceTimersByTime(1000);
    expect(calls).toEqual([]);
  });

  it('only the newest request counts', () => {
    const guard = latestOnly();
    const first = guard.next();
    const second = guard.next();
    expect(guard.isLatest(first)).toBe(false);
    expect(guard.isLatest(second)).toBe(true);
  });
});

describe('template editor: versions (M03)', () => {
  it('M03 only drafts are edited, published or deleted; retired versions can be republished (rollback)', () => {
    expect(versionActions('draft')).toEqual({ edit: true, publish: true, rollback: false, remove: true });
    expect(versionActions('published')).toEqual({ edit: false, publish: false, rollback: false, remove: false });
    expect(versionActions('retired')).toEqual({ edit: false, publish: false, rollback: true, remove: false });
  });

  it('labels the built-in file and numbered versions', () => {
    expect(versionLabel(0)).toBe('内置模板');
    expect(versionLabel(3)).toBe('第3版');
    expect(editorSourceLabel({ kind: 'builtin' })).toContain('内置模板');
    expect(editorSourceLabel({ kind: 'draft', version: 4 })).toBe('正在编辑草稿第4版');
    expect(editorSourceLabel({ kind: 'copy', version: 2 })).toContain('保存后成为新草稿');
  });

  it('checks the size cap in UTF-8 bytes, as the API does', () => {
    expect(bodySizeProblem('a'.repeat(templateBodyLimits.maxBytes))).toBeNull();
    expect(bodySizeProblem('承'.repeat(templateBodyLimits.maxBytes / 3 + 1))).toMatch(/不能超过64KB/);
  });
});
