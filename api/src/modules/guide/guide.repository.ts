import type { Db } from '../../db/knex';

export interface GuideConfirmationRow {
  id: number;
  user_id: number;
  exam_id: number;
  guide_version: string;
  confirmed_at: Date;
}

export class GuideRepository {
  constructor(private readonly db: Db) {}

  /** Records the confirmation once: confirming the same version again keeps the first time. */
  async confirm(userId: number, examId: number, version: string, at: Date): Promise<GuideConfirmationRow> {
    await this.db('guide_confirmations')
      .insert({ user_id: userId, exam_id: examId, guide_version: version, confirmed_at: at })
      .onConflict(['user_id', 'exam_id', 'guide_version'])
      .ignore();
    const row = await this.db<GuideConfirmationRow>('guide_confirmations').where({ user_id: userId, exam_id: examId, guide_version: version }).first();
    if (!row) throw new Error(`guide confirmation of user ${userId}, exam ${examId} not stored`);
    return row;
  }

  /** The user's newest confirmation of the exam's guide, of any version. */
  latest(userId: number, examId: number): Promise<GuideConfirmationRow | undefined> {
    return this.db<GuideConfirmationRow>('guide_confirmations').where({ user_id: userId, exam_id: examId }).orderBy('confirmed_at', 'desc').orderBy('id', 'desc').first();
  }

  async hasConfirmed(userId: number, examId: number): Promise<boolean> {
    return (await this.latest(userId, examId)) !== undefined;
  }
}
