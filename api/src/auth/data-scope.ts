import type { Db } from '../db/knex';
import type { CurrentUser, RoleCode } from '../contracts/auth';
import { DataScopeRepository } from './data-scope.repository';

/** Engine candidate group of the reviewers of one exam; the exam-registration model uses the same form. */
export const reviewerGroup = (examCode: string): string => `exam-reviewer-${examCode}`;

/** Engine candidate groups held by a whole role (not per exam): 快递异常处理 goes to every exam admin. */
export const ROLE_ENGINE_GROUPS: Readonly<Partial<Record<RoleCode, string>>> = { 'exam-admin': 'exam-admin' };

/**
 * Which objects a user may reach beyond their permissions (数据范围): candidates their own cases,
 * reviewers the exams they are assigned to, exam admins every exam. Every object the API returns
 * passes through here, not only the route.
 */
export class DataScope {
  /** Reviewer exams read alongside a request's user (`preload`); each user object serves one request. */
  readonly #preloaded = new WeakMap<CurrentUser, Promise<Array<{ id: number; code: string }>>>();

  private readonly repo: DataScopeRepository;

  constructor(db: Db) {
    this.repo = new DataScopeRepository(db);
  }

  /** The exams a reviewer is assigned to. */
  reviewerExams(userId: number): Promise<Array<{ id: number; code: string }>> {
    return this.repo.reviewerExams(userId);
  }

  /** Gives a request's user the reviewer exams read for this request in parallel with the user (`SignedInUsers`). */
  preload(user: CurrentUser, exams: Promise<Array<{ id: number; code: string }>>): void {
    this.#preloaded.set(user, exams);
  }

  /** The user's reviewer exams: those read for this request if they were, else read now. */
  #examsOf(user: CurrentUser): Promise<Array<{ id: number; code: string }>> {
    return this.#preloaded.get(user) ?? this.reviewerExams(user.id);
  }

  /** Engine groups whose unclaimed tasks the user may see and claim. */
  async engineGroups(user: CurrentUser): Promise<string[]> {
    const byRole = user.roles.flatMap((r) => ROLE_ENGINE_GROUPS[r] ?? []);
    if (!user.roles.includes('exam-reviewer')) return byRole;
    return [...(await this.#examsOf(user)).map((e) => reviewerGroup(e.code)), ...byRole];
  }

  /**
   * The enabled staff of these engine groups (who an unclaimed task's group is): reviewers assigned to
   * the exams of reviewer groups, holders of the role of role groups. `role` is the role that makes
   * them a member; the caller checks it against their sealed roles, as `engineGroups` does.
   */
  async groupMembers(groups: readonly string[]): Promise<Array<{ id: number; username: string; role: RoleCode }>> {
    const prefix = reviewerGroup('');
    const codes = groups.filter((g) => g.startsWith(prefix)).map((g) => g.slice(prefix.length));
    const roles = Object.entries(ROLE_ENGINE_GROUPS).flatMap(([r, g]) => (g && groups.includes(g) ? [r] : []));
    const reviewers = codes.length ? await this.repo.reviewersOf(codes) : [];
    const holders = roles.length ? await this.repo.holdersOf(roles) : [];
    return [...reviewers, ...holders].sort((a, b) => a.username.localeCompare(b.username) || a.role.localeCompare(b.role));
  }

  async canReadRegistration(user: CurrentUser, registration: { user_id: number; exam_id: number }): Promise<boolean> {
    if (user.permissions.includes('registration:read-own') && registration.user_id === user.id) return true;
    if (!user.permissions.includes('registration:read')) return false;
    if (user.permissions.includes('exam:manage')) return true;
    return (await this.#examsOf(user)).some((e) => e.id === registration.exam_id);
  }

  /**
   * Exams whose registrations the user may search and count (M23, M24), by the same rule as
   * `canReadRegistration`: null for every exam (exam admins), the assigned ones for reviewers.
   */
  async registrationExamScope(user: CurrentUser): Promise<number[] | null> {
    if (!user.permissions.includes('registration:read')) return [];
    if (user.permissions.includes('exam:manage')) return null;
    return (await this.#examsOf(user)).map((e) => e.id);
  }

  assignReviewer(examId: number, userId: number): Promise<void> {
    return this.repo.assignReviewer(examId, userId);
  }
}
