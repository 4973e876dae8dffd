import { describe, expect, it } from 'vitest';
import { hasConflict, normalizeEmployer, pickReviewer } from './assignment.service';
import { sampleScore } from './bulk-approve.service';
import type { ConflictRow } from './review-assignment.repository';

const conflict = (over: Partial<ConflictRow>): ConflictRow => ({ id: 1, user_id: 1, kind: 'same-employer', employer: null, id_number_idx: null, note: null, created_at: new Date(), ...over });
const a = { id: 1, username: 'alice' };
const b = { id: 2, username: 'bob' };

describe('fair assignment with 回避 (U7)', () => {
  it('U7 picks the least-loaded reviewer, breaks ties by username and skips conflicted ones', () => {
    expect(pickReviewer([b, a], new Map([[1, 0], [2, 0]]), () => false)).toEqual(a);
    expect(pickReviewer([a, b], new Map([[1, 3], [2, 1]]), () => false)).toEqual(b);
    expect(pickReviewer([a, b], new Map([[1, 0], [2, 5]]), (r) => r.id === 1)).toEqual(b);
    expect(pickReviewer([a, b], new Map(), () => true)).toBeNull();
  });

  it('U7 matches a conflict by employer (spaces and bracket width ignored) or by the ID number index', () => {
    expect(normalizeEmployer('上海甲化工（集团） 有限公司')).toBe(normalizeEmployer('上海甲化工(集团)有限公司'));
    expect(hasConflict([conflict({ employer: '上海甲化工 有限公司' })], '上海甲化工有限公司', 'x')).toBe(true);
    expect(hasConflict([conflict({ employer: '上海甲化工有限公司' })], '上海乙化工有限公司', 'x')).toBe(false);
    expect(hasConflict([conflict({ kind: 'relative', id_number_idx: 'idx-1' })], '上海乙化工有限公司', 'idx-1')).toBe(true);
    expect(hasConflict([conflict({ kind: 'relative', id_number_idx: 'idx-1' })], '上海乙化工有限公司', 'idx-2')).toBe(false);
    expect(hasConflict([], '上海乙化工有限公司', 'idx-2')).toBe(false);
  });
});

describe('guarded bulk approve sample (U7)', () => {
  it('U7 draws reproducibly with a seed, spreads draws over [0, 1) and randomly without one', () => {
    const id = '6f1c2a7e-0000-4000-8000-000000000001';
    expect(sampleScore('seed', id)).toBe(sampleScore('seed', id));
    expect(sampleScore('seed', id)).not.toBe(sampleScore('other', id));
    const scores = Array.from({ length: 2000 }, (_, i) => sampleScore('seed', `task-${i}`));
    expect(scores.every((s) => s >= 0 && s < 1)).toBe(true);
    const share = scores.filter((s) => s < 0.2).length / scores.length;
    expect(share).toBeGreaterThan(0.15);
    expect(share).toBeLessThan(0.25);
    expect(new Set(Array.from({ length: 20 }, () => sampleScore(null, id))).size).toBeGreaterThan(1);
  });
});
