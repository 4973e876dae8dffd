import type { Db } from '../../db/knex';
import type { ConflictKind, ExamAssignmentSetting, ReviewSettings } from '../../contracts/review-assignment';

export interface ConflictRow {
  id: number;
  user_id: number;
  kind: ConflictKind;
  employer: string | null;
  id_number_idx: string | null;
  note: string | null;
  created_at: Date;
}

export interface ExamReviewer {
  id: number;
  username: string;
}

/** Queries of the review settings, sampling draws and declared conflicts (U7). */
export class ReviewAssignmentRepository {
  constructor(private readonly db: Db) {}

  async settings(): Promise<ReviewSettings> {
    const row = await this.db('review_settings').where({ id: 1 }).first<{ bulk_sample_rate: string; sample_seed: string | null }>();
    return { bulkSampleRate: row ? Number(row.bulk_sample_rate) : 0.2, sampleSeed: row?.sample_seed ?? null };
  }

  async saveSettings(settings: ReviewSettings, by: string): Promise<void> {
    await this.db('review_settings')
      .insert({ id: 1, bulk_sample_rate: settings.bulkSampleRate, sample_seed: settings.sampleSeed, updated_by: by, updated_at: this.db.fn.now() })
      .onConflict('id')
      .merge();
  }

  /** The first draw for a task wins: a concurrent or repeated bulk approve reads the same one. */
  async recordDraw(taskId: string, heldBack: boolean, rate: number): Promise<boolean> {
    await this.db('review_sample_draws').insert({ task_id: taskId, held_back: heldBack, rate }).onConflict('task_id').ignore();
    const row = await this.db('review_sample_draws').where({ task_id: taskId }).first<{ held_back: boolean }>();
    return row?.held_back ?? heldBack;
  }

  async existingDraw(taskId: string): Promise<boolean | null> {
    const row = await this.db('review_sample_draws').where({ task_id: taskId }).first<{ held_back: boolean } | undefined>();
    return row ? row.held_back : null;
  }

  async examSettings(): Promise<ExamAssignmentSetting[]> {
    const rows = await this.db('exams as e')
      .leftJoin('exam_review_settings as s', 's.exam_id', 'e.id')
      .select('e.id', 'e.code', 'e.name', 's.auto_assign')
      .select(this.db.raw('(select count(*) from exam_reviewers er where er.exam_id = e.id)::int as reviewer_count'))
      .orderBy('e.id', 'desc');
    return rows.map((r: { id: number; code: string; name: string; auto_assign: boolean | null; reviewer_count: number }) => ({
      examId: r.id,
      examCode: r.code,
      examName: r.name,
      autoAssign: r.auto_assign === true,
      reviewerCount: Number(r.reviewer_count),
    }));
  }

  async examExists(examId: number): Promise<boolean> {
    return (await this.db('exams').where({ id: examId }).first('id')) !== undefined;
  }

  async setAutoAssign(examId: number, autoAssign: boolean, by: string): Promise<void> {
    await this.db('exam_review_settings')
      .insert({ exam_id: examId, auto_assign: autoAssign, updated_by: by, updated_at: this.db.fn.now() })
      .onConflict('exam_id')
      .merge();
  }

  autoAssignExams(): Promise<Array<{ id: number; code: string }>> {
    return this.db('exams as e').join('exam_review_settings as s', 's.exam_id', 'e.id').where('s.auto_assign', true).select('e.id', 'e.code').orderBy('e.id');
  }

  /** Enabled users holding the reviewer role who are assigned to the exam. */
  examReviewers(examId: number): Promise<ExamReviewer[]> {
    return this.db('exam_reviewers as er')
      .join('users as u', 'u.id', 'er.user_id')
      .join('user_roles as ur', function joinRole() {
        this.on('ur.user_id', '=', 'u.id').andOnVal('ur.role_code', '=', 'exam-reviewer');
      })
      .where('er.exam_id', examId)
      .andWhere('u.enabled', true)
      .select('u.id', 'u.username')
      .orderBy('u.username');
  }

  conflictsOf(userIds: number[]): Promise<ConflictRow[]> {
    return userIds.length ? this.db<ConflictRow>('reviewer_conflicts').whereIn('user_id', userIds).select('*') : Promise.resolve([]);
  }

  listConflicts(userId: number): Promise<ConflictRow[]> {
    return this.db<ConflictRow>('reviewer_conflicts').where({ user_id: userId }).orderBy('id', 'desc').select('*');
  }

  async insertConflict(row: Omit<ConflictRow, 'id' | 'created_at'>): Promise<ConflictRow> {
    const [created] = await this.db<ConflictRow>('reviewer_conflicts').insert(row).returning('*');
    if (!created) throw new Error('reviewer conflict not inserted');
    return created;
  }

  /** Deletes one of the user's own conflicts; false when there is no such row of theirs. */
  async deleteConflict(userId: number, id: number): Promise<boolean> {
    return (await this.db('reviewer_conflicts').where({ id, user_id: userId }).delete()) > 0;
  }
}
