import { describe, expect, it } from 'vitest';
import { PublishedTemplateSource } from './published-template-source';

/** An in-memory stand-in for the repository that counts body reads. */
function store(initial: Record<string, { published?: number; bodies: Record<number, string> }>) {
  const reads: string[] = [];
  return {
    state: initial,
    reads,
    publishedVersion: (code: string) => Promise.resolve(initial[code]?.published),
    body: (code: string, version: number) => {
      reads.push(`${code}@${version}`);
      return Promise.resolve(initial[code]?.bodies[version]);
    },
  };
}

describe('published template source (M03)', () => {
  it('M03 serves the built-in file as version 0 until a version is published', async () => {
    const repo = store({});
    const source = new PublishedTemplateSource(repo, (name) => Promise.resolve(`file ${name}`));
    expect(await source.load('commitment-letter')).toEqual({ body: 'file commitment-letter', version: 0 });
    expect(repo.reads).toEqual([]);
  });

  it('M03 follows the published version on every load and reads each version body once', async () => {
    const repo = store({ 'exam-guide': { published: 1, bodies: { 1: 'v1', 2: 'v2' } } });
    const source = new PublishedTemplateSource(repo, () => Promise.reject(new Error('not used')));
    expect(await source.load('exam-guide')).toEqual({ body: 'v1', version: 1 });
    expect(await source.load('exam-guide')).toEqual({ body: 'v1', version: 1 });
    // Another process publishes version 2: the next load sees it without being told.
    repo.state['exam-guide']!.published = 2;
    expect(await source.load('exam-guide')).toEqual({ body: 'v2', version: 2 });
    // Rolled back to 1: served from the cache, still correct.
    repo.state['exam-guide']!.published = 1;
    expect(await source.load('exam-guide')).toEqual({ body: 'v1', version: 1 });
    expect(repo.reads).toEqual(['exam-guide@1', 'exam-guide@2']);
  });

  it('keeps at most cacheSize bodies', async () => {
    const repo = store({ 'exam-guide': { published: 1, bodies: { 1: 'v1', 2: 'v2' } } });
    const source = new PublishedTemplateSource(repo, () => Promise.reject(new Error('not used')), 1);
    await source.load('exam-guide');
    repo.state['exam-guide']!.published = 2;
    await source.load('exam-guide');
    repo.state['exam-guide']!.published = 1;
    await source.load('exam-guide');
    expect(repo.reads).toEqual(['exam-guide@1', 'exam-guide@2', 'exam-guide@1']);
  });
});
