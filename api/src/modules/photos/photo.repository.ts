import type { Db } from '../../db/knex';
import type { PhotoFinding } from '../../contracts/photos';

export interface PhotoRow {
  id: string;
  user_id: number;
  original: Buffer;
  original_type: string;
  processed: Buffer;
  findings: PhotoFinding[];
  accepted: boolean;
  created_at: Date;
}

/** Metadata of a photo row, without the images. */
export type PhotoMetaRow = Omit<PhotoRow, 'original' | 'processed'> & { original_bytes: number; processed_bytes: number };

export type NewPhoto = Omit<PhotoRow, 'created_at'>;

/** `candidate_photos`: every query is scoped to one user, so nobody reads another's photo. */
export class PhotoRepository {
  constructor(private readonly db: Db) {}

  async insert(photo: NewPhoto): Promise<void> {
    await this.db('candidate_photos').insert({ ...photo, findings: JSON.stringify(photo.findings) });
  }

  /** The user's newest accepted photo, without the image bytes. */
  async current(userId: number): Promise<PhotoMetaRow | undefined> {
    return this.db('candidate_photos')
      .where({ user_id: userId, accepted: true })
      .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }])
      .first<PhotoMetaRow | undefined>(
        'id',
        'user_id',
        'original_type',
        'findings',
        'accepted',
        'created_at',
        this.db.raw('octet_length(original)::int as original_bytes'),
        this.db.raw('octet_length(processed)::int as processed_bytes'),
      );
  }

  /** One image of one of the user's photos; undefined when the photo is not theirs or does not exist. */
  async image(userId: number, id: string, which: 'original' | 'processed'): Promise<{ data: Buffer; type: string } | undefined> {
    const row = await this.db('candidate_photos')
      .where({ id, user_id: userId })
      .first<{ data: Buffer; original_type: string } | undefined>(this.db.raw('?? as data', [which]), 'original_type');
    if (!row) return undefined;
    return { data: row.data, type: which === 'processed' ? 'image/jpeg' : row.original_type };
  }
}
