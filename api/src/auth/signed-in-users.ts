import type { CurrentUser } from '../contracts/auth';
import type { AuthService } from './auth.service';
import type { DataScope } from './data-scope';

/**
 * The signed-in user of each API call, read afresh every time: a disabled account, a changed role or
 * a changed exam assignment takes effect on the next call. For a user who was a reviewer when last
 * read, the exams they review (the data scope of nearly every reviewer call) are read in parallel
 * with the user instead of after it; they count only if the user read now still holds the role.
 */
export class SignedInUsers {
  /** Users who held the reviewer role when last read: a hint whether to start on their exams early, never a grant. */
  readonly #reviewers = new Set<number>();

  constructor(
    private readonly auth: AuthService,
    private readonly scope: DataScope,
  ) {}

  async load(userId: number): Promise<CurrentUser | null> {
    const exams = this.#reviewers.has(userId) ? this.scope.reviewerExams(userId) : undefined;
    // Awaited only if the user is still a reviewer; otherwise its failure must not go unhandled.
    exams?.catch(() => undefined);
    const user = await this.auth.currentUser(userId);
    if (user?.roles.includes('exam-reviewer')) {
      this.#reviewers.add(userId);
      if (exams) this.scope.preload(user, exams);
    } else {
      this.#reviewers.delete(userId);
    }
    return user;
  }
}
