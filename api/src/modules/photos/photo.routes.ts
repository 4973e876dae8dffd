import { z } from 'zod';
import { photoUploadResult, photoView } from '../../contracts/photos';
import type { ApiRoutes } from '../../http/route';
import { receiveUpload, uploadPresets, type UploadPolicy } from '../../http/uploads';
import type { PhotoService } from './photo.service';
import { photoSettings } from './photo-processing';

/** The photo preset with the M09 upload limit (10 MB); the system compresses it afterwards. */
export const photoUploadPolicy: UploadPolicy = { field: 'photo', ...uploadPresets.photo, maxBytes: photoSettings.maxUploadBytes };

/** Path of the upload, for the rate limit mounted in app.ts (`uploadRules`). */
export const PHOTO_UPLOAD_PATH = '/photos';

const byId = z.object({ id: z.string().uuid('照片编号格式不正确') });

export function photoRoutes(api: ApiRoutes, photos: PhotoService): void {
  api.define(
    {
      method: 'post',
      path: PHOTO_UPLOAD_PATH,
      summary: '上传证件照片（请求体为JPG或PNG图片本身），检查并裁剪压缩为295×413',
      tag: 'photos',
      access: { permission: 'registration:create' },
      response: photoUploadResult,
      status: 201,
      audit: { action: 'photo.upload', objectType: 'photo', objectId: (_v, r) => (r as { id?: string } | undefined)?.id },
    },
    async ({ user, req, res }) => photos.upload(user, await receiveUpload(req, res, photoUploadPolicy)),
  );
  api.define(
    { method: 'get', path: '/photos/current', summary: '我的当前证件照片（无则为 null）', tag: 'photos', access: { authenticated: true }, response: photoView.nullable() },
    ({ user }) => photos.current(user),
  );
  for (const which of ['processed', 'original'] as const) {
    api.define(
      {
        method: 'get',
        path: which === 'processed' ? '/photos/:id/processed.jpg' : '/photos/:id/original',
        summary: which === 'processed' ? '下载处理后的证件照片（仅限本人）' : '下载上传的原始照片（仅限本人）',
        tag: 'photos',
        access: { authenticated: true },
        params: byId,
        response: { contentType: which === 'processed' ? 'image/jpeg' : 'image/*' },
      },
      async ({ user, params, res }) => {
        const image = await photos.image(user, params.id, which);
        res.status(200).type(image.type).set('cache-control', 'private, no-store').set('content-disposition', 'inline').send(image.data);
      },
    );
  }
}
