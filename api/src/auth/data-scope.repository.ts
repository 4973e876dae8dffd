import type { Db } from '../db/knex';
import type { RoleCode } from '../contracts/auth';

/** The rows data scope is decided by: reviewers' exam assignments and the holders of a role. */
export class DataScopeRepository {
  constructor(private readonly db: Db) {}

  /** A promise (not a query builder, which would run again each time it is awaited). */
  async reviewerExams(userId: number): Promise<Array<{ id: number; code: string }>> {
    return this.db('exam_reviewers as er').join('exams as e', 'e.id', 'er.exam_id').where('er.user_id', userId).select('e.id', 'e.code');
  }

  /** Enabled staff assigned as reviewers to any of these exams. */
  async reviewersOf(examCodes: readonly string[]): Promise<Array<{ id: number; username: string; role: RoleCode }>> {
    return this.db('exam_reviewers as er')
      .join('exams as e', 'e.id', 'er.exam_id')
      .join('users as u', 'u.id', 'er.user_id')
      .whereIn('e.code', examCodes)
      .andWhere({ 'u.enabled': true, 'u.kind': 'staff' })
      .distinct('u.id', 'u.username', this.db.raw(`'exam-reviewer' as role`));
  }

  /** Enabled staff holding any of these roles (unsealed: the caller checks the seals). */
  async holdersOf(roles: readonly string[]): Promise<Array<{ id: number; username: string; role: RoleCode }>> {
    return this.db('user_roles as ur')
      .join('users as u', 'u.id', 'ur.user_id')
      .whereIn('ur.role_code', roles)
      .andWhere({ 'u.enabled': true, 'u.kind': 'staff' })
      .distinct('u.id', 'u.username', 'ur.role_code as role');
  }

  async assignReviewer(examId: number, userId: number): Promise<void> {
    await this.db('exam_reviewers').insert({ exam_id: examId, user_id: userId }).onConflict(['exam_id', 'user_id']).ignore();
  }
}
