import crypto from 'node:crypto';
import type { CurrentUser } from '../../contracts/auth';
import type { PhotoFinding, PhotoUploadResult, PhotoView } from '../../contracts/photos';
import { notFound, validationError } from '../../http/errors';
import type { CheckedUpload } from '../../http/uploads';
import type { Db } from '../../db/knex';
import { inspectPhoto, photoSettings, processPhoto, resultFindings, type InspectedFinding, type PhotoSettings } from './photo-processing';
import { PhotoRepository } from './photo.repository';

const messages = {
  notFound: '照片不存在',
};

const publicFinding = ({ code, message }: InspectedFinding): PhotoFinding => ({ code, message });

/** M09 照片处理: checks an upload, makes the 295x413 photo, keeps both; a candidate sees only their own. */
export class PhotoService {
  constructor(
    private readonly photos: PhotoRepository,
    private readonly settings: PhotoSettings = photoSettings,
  ) {}

  /** A blocking finding refuses the upload with 400 (field `photo`) and stores nothing. */
  async upload(user: CurrentUser, file: CheckedUpload): Promise<PhotoUploadResult> {
    const inspection = await inspectPhoto(file.data, this.settings);
    refuseIfBlocking(inspection.findings);
    const processed = await processPhoto(file.data, { maxBytes: this.settings.maxKb * 1024, minBytes: this.settings.minKb * 1024 });
    const findings = [...inspection.findings, ...resultFindings(processed, this.settings)];
    refuseIfBlocking(findings);
    const id = crypto.randomUUID();
    const stored = findings.map(publicFinding);
    await this.photos.insert({ id, user_id: user.id, original: file.data, original_type: file.mimeType, processed: processed.data, findings: stored, accepted: true });
    return { id, accepted: true, findings: stored, processed: { width: processed.width, height: processed.height, bytes: processed.bytes } };
  }

  async current(user: CurrentUser): Promise<PhotoView | null> {
    const row = await this.photos.current(user.id);
    if (!row) return null;
    return {
      id: row.id,
      accepted: row.accepted,
      findings: row.findings,
      processed: { width: 295, height: 413, bytes: row.processed_bytes },
      original: { type: row.original_type, bytes: row.original_bytes },
      createdAt: row.created_at.toISOString(),
    };
  }

  /** 404 for a photo that is not the user's: whether it exists is not disclosed. */
  async image(user: CurrentUser, id: string, which: 'original' | 'processed'): Promise<{ data: Buffer; type: string }> {
    const image = await this.photos.image(user.id, id, which);
    if (!image) throw notFound(messages.notFound);
    return image;
  }

  /** The processed photo a candidate's case refers to, for its documents (报名表); undefined if it is not theirs. */
  processedImageOf(userId: number, id: string): Promise<{ data: Buffer; type: string } | undefined> {
    return this.photos.image(userId, id, 'processed');
  }
}

/** The photos of this database, for modules that show a candidate's photo (registration). */
export const photoService = (db: Db): PhotoService => new PhotoService(new PhotoRepository(db));

function refuseIfBlocking(findings: InspectedFinding[]): void {
  const blocking = findings.filter((f) => f.blocking);
  if (blocking.length) throw validationError(blocking.map((f) => ({ field: 'photo', message: f.message })));
}
