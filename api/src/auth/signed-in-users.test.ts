import { describe, expect, it } from 'vitest';
import type { CurrentUser } from '../contracts/auth';
import type { Db } from '../db/knex';
import type { AuthService } from './auth.service';
import { DataScope } from './data-scope';
import { SignedInUsers } from './signed-in-users';

/** Counts the reads of reviewer exams, which answer what `assigned` holds at that moment. */
class CountingScope extends DataScope {
  reads = 0;
  assigned = [{ id: 1, code: 'A1' }];
  constructor() {
    super({} as Db);
  }
  override async reviewerExams(): Promise<Array<{ id: number; code: string }>> {
    this.reads += 1;
    return this.assigned;
  }
}

const reviewer: CurrentUser = { id: 7, username: 'reviewer7', displayName: '审核员', roles: ['exam-reviewer'], permissions: ['registration-task:read'], bureau: null };

function setUp() {
  const scope = new CountingScope();
  let user: CurrentUser | null = reviewer;
  // A fresh object per call, as AuthService reads the user afresh for every request.
  const auth = { currentUser: async () => (user ? { ...user } : null) } as unknown as AuthService;
  return { scope, users: new SignedInUsers(auth, scope), setUser: (u: CurrentUser | null) => (user = u) };
}

describe('SignedInUsers', () => {
  it('U5 a reviewer\'s exams are read with the user, once per request, and never carried to the next request', async () => {
    const { scope, users } = setUp();
    // First request: not yet known as a reviewer, the exams are read when needed.
    const first = (await users.load(7))!;
    expect(await scope.engineGroups(first)).toEqual(['exam-reviewer-A1']);
    expect(scope.reads).toBe(1);
    // Next request: read in parallel with the user, and used by every scope check of that request.
    scope.assigned = [{ id: 2, code: 'B2' }];
    const second = (await users.load(7))!;
    expect(await scope.engineGroups(second)).toEqual(['exam-reviewer-B2']);
    expect(await scope.registrationExamScope({ ...second, permissions: ['registration:read'] })).toEqual([2]);
    expect(await scope.engineGroups(second)).toEqual(['exam-reviewer-B2']);
    expect(scope.reads).toBe(3); // the spread copy above is another user object: read on its own
    // An assignment removed is gone on the next request.
    scope.assigned = [];
    expect(await scope.engineGroups((await users.load(7))!)).toEqual([]);
  });

  it('S1 a role taken away or an account disabled counts on the next request, whatever was read early', async () => {
    const { scope, users, setUser } = setUp();
    await users.load(7);
    setUser({ ...reviewer, roles: [] });
    const demoted = (await users.load(7))!;
    expect(await scope.engineGroups(demoted)).toEqual([]);
    setUser(null);
    expect(await users.load(7)).toBeNull();
  });

  it('S1 a failed early read of the exams is not left unhandled when the user turns out not to be a reviewer', async () => {
    const { scope, users, setUser } = setUp();
    await users.load(7);
    scope.reviewerExams = async () => {
      throw new Error('database down');
    };
    setUser({ ...reviewer, roles: [] });
    expect((await users.load(7))?.roles).toEqual([]);
  });
});
