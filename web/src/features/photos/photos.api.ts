import { photoUploadResult, photoView, type PhotoUploadResult, type PhotoView } from '../../../../api/src/contracts/photos';
import { getJson, postBinary } from '../../api/http';

const base = '/api/photos';

/** Uploads a JPG/PNG photo; the server checks it and answers with the findings and the processed size. */
export function uploadPhoto(file: Blob): Promise<PhotoUploadResult> {
  return postBinary(base, file, photoUploadResult);
}

/** The current (newest accepted) photo, or null when none was uploaded yet. */
export function getCurrentPhoto(): Promise<PhotoView | null> {
  return getJson(`${base}/current`, photoView.nullable());
}

/** Image addresses for <img>: same-origin GETs, the session cookie goes along. */
export const processedPhotoUrl = (id: string) => `${base}/${encodeURIComponent(id)}/processed.jpg`;
export const originalPhotoUrl = (id: string) => `${base}/${encodeURIComponent(id)}/original`;
