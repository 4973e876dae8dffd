import sharp, { type Metadata } from 'sharp';
import type { PhotoFinding, PhotoFindingCode } from '../../contracts/photos';
import { detectKind } from '../../http/uploads';

/**
 * What the photo rules may vary (DOMAIN.md, 照片). These are the defaults; an admin settings store
 * comes in a later issue and will hand its values to `inspectPhoto` / `processPhoto` instead.
 */
export interface PhotoSettings {
  /** PHOTO_MAX_KB: the processed photo is compressed to at most this many KB (never below `minKb`). */
  maxKb: number;
  /** The processed photo should be over this many KB (DOMAIN: over 10 KB). */
  minKb: number;
  /** Uploads larger than this are refused (the upload limit). */
  maxUploadBytes: number;
  minWidth: number;
  minHeight: number;
  /** Mean luminance (0–255) of the border strip at least this: a white or light background. */
  minBackgroundLuminance: number;
  /** Mean HSV saturation (0–1) of the border strip at most this: a grey/white, not a coloured, background. */
  maxBackgroundSaturation: number;
  /** Width of the sampled border strip (top, left, right), as a fraction of the side. */
  borderFraction: number;
}

export const photoSettings: Readonly<PhotoSettings> = Object.freeze({
  maxKb: 200,
  minKb: 10,
  maxUploadBytes: 10 * 1024 * 1024,
  minWidth: 295,
  minHeight: 413,
  minBackgroundLuminance: 200,
  maxBackgroundSaturation: 0.2,
  borderFraction: 0.06,
});

/** The processed photo: 25 x 35 mm at 300 dpi, the 1-inch portrait. */
export const PHOTO_WIDTH = 295;
export const PHOTO_HEIGHT = 413;

/** A finding with whether it stops the upload (the candidate must take another photo). */
export interface InspectedFinding extends PhotoFinding {
  blocking: boolean;
}

export interface Inspection {
  findings: InspectedFinding[];
  /** Dimensions after EXIF orientation; undefined when the file is no image. */
  width?: number;
  height?: number;
  format?: 'jpeg' | 'png';
}

export interface ProcessedPhoto {
  data: Buffer;
  width: number;
  height: number;
  bytes: number;
  quality: number;
  /** False when even the lowest quality stays above the cap. */
  withinCap: boolean;
}

const MAX_INPUT_PIXELS = 40_000_000;

const kb = (bytes: number) => `${Math.ceil(bytes / 1024)}KB`;
const mb = (bytes: number) => `${+(bytes / 1024 / 1024).toFixed(1)}MB`;

const messages = {
  notImage: '照片只能是JPG或PNG格式的图片，请重新上传',
  pngConverted: '照片为PNG格式，系统已转换为JPG格式',
  tooSmall: (w: number, h: number, s: PhotoSettings) => `照片像素为${w}×${h}，至少需要${s.minWidth}×${s.minHeight}像素（宽×高），请上传更清晰的照片`,
  dark: '照片背景过暗，请在白色或浅色背景前重新拍摄',
  coloured: '照片背景颜色过深或过艳，请使用白色或浅色背景',
  tooLargeFile: (bytes: number, s: PhotoSettings) => `照片文件为${mb(bytes)}，超过${mb(s.maxUploadBytes)}，请压缩后重新上传`,
  compressed: (bytes: number, s: PhotoSettings) => `照片文件为${kb(bytes)}，超过${s.maxKb}KB，系统已压缩`,
  cropped: (w: number, h: number) => `照片为${w}×${h}像素，系统已按25×35毫米比例裁剪并缩放为${PHOTO_WIDTH}×${PHOTO_HEIGHT}像素`,
  overCap: (s: PhotoSettings) => `照片无法压缩到${s.maxKb}KB以内，请换一张背景简洁的照片`,
  underMin: (bytes: number, s: PhotoSettings) => `处理后的照片为${kb(bytes)}，小于${s.minKb}KB，请确认照片清晰`,
};

const finding = (code: PhotoFindingCode, message: string, blocking: boolean): InspectedFinding => ({ code, message, blocking });

/** Checks an upload against the photo rules; findings are in Chinese, for the candidate. */
export async function inspectPhoto(buffer: Buffer, settings: PhotoSettings = photoSettings): Promise<Inspection> {
  const findings: InspectedFinding[] = [];
  if (buffer.length > settings.maxUploadBytes) return { findings: [finding('file-size', messages.tooLargeFile(buffer.length, settings), true)] };
  const kind = detectKind(buffer);
  let meta: Metadata;
  try {
    meta = await sharp(buffer, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
  } catch {
    return { findings: [finding('format', messages.notImage, true)] };
  }
  // The decoder must agree with the magic bytes (a GIF, a WebP or a file dressed as an image is refused).
  if ((kind !== 'jpeg' && kind !== 'png') || meta.format !== kind || !meta.width || !meta.height) {
    return { findings: [finding('format', messages.notImage, true)] };
  }
  if (kind === 'png') findings.push(finding('format', messages.pngConverted, false));
  const swapped = (meta.orientation ?? 1) >= 5;
  const width = swapped ? meta.height : meta.width;
  const height = swapped ? meta.width : meta.height;

  if (width < settings.minWidth || height < settings.minHeight) findings.push(finding('pixels', messages.tooSmall(width, height, settings), true));
  else if (width !== PHOTO_WIDTH || height !== PHOTO_HEIGHT) findings.push(finding('crop', messages.cropped(width, height), false));

  const background = await sampleBorder(buffer, settings.borderFraction);
  if (background.luminance < settings.minBackgroundLuminance) findings.push(finding('background', messages.dark, true));
  else if (background.saturation > settings.maxBackgroundSaturation) findings.push(finding('background', messages.coloured, true));

  if (buffer.length > settings.maxKb * 1024) findings.push(finding('file-size', messages.compressed(buffer.length, settings), false));
  return { findings, width, height, format: kind };
}

/** Mean luminance and saturation of the outer strip on the top, left and right (the bottom is the shoulders). */
export async function sampleBorder(buffer: Buffer, fraction: number): Promise<{ luminance: number; saturation: number }> {
  // A small copy is enough to judge a background, and keeps a 20-megapixel photo cheap.
  const { data, info } = await sharp(buffer, { limitInputPixels: MAX_INPUT_PIXELS })
    .rotate()
    .flatten({ background: '#ffffff' })
    .resize(200, 200, { fit: 'inside' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height, channels } = info;
  const bx = Math.max(1, Math.round(width * fraction));
  const by = Math.max(1, Math.round(height * fraction));
  let luminance = 0;
  let saturation = 0;
  let n = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (y >= by && x >= bx && x < width - bx) continue;
      const i = (y * width + x) * channels;
      const r = data[i]!;
      const g = channels >= 3 ? data[i + 1]! : r;
      const b = channels >= 3 ? data[i + 2]! : r;
      luminance += 0.299 * r + 0.587 * g + 0.114 * b;
      const max = Math.max(r, g, b);
      saturation += max === 0 ? 0 : (max - Math.min(r, g, b)) / max;
      n += 1;
    }
  }
  return { luminance: luminance / n, saturation: saturation / n };
}

/** The 5:7 window of an image: the full width or height, centred across, a little above centre down. */
export function cropWindow(width: number, height: number): { left: number; top: number; width: number; height: number } {
  const ratio = PHOTO_WIDTH / PHOTO_HEIGHT;
  if (width / height > ratio) {
    const w = Math.min(width, Math.round(height * ratio));
    return { left: Math.floor((width - w) / 2), top: 0, width: w, height };
  }
  const h = Math.min(height, Math.round(width / ratio));
  // Portraits: the face sits in the upper part, so 30 % of the excess goes above, 70 % below.
  return { left: 0, top: Math.floor((height - h) * 0.3), width, height: h };
}

/**
 * Crops to 5:7 (25 x 35 mm), scales to exactly 295 x 413, encodes as JPEG without metadata (sharp
 * keeps none unless asked), lowering the quality step by step until it fits under `maxBytes`.
 */
export async function processPhoto(buffer: Buffer, options: { maxBytes?: number; minBytes?: number } = {}): Promise<ProcessedPhoto> {
  const minBytes = options.minBytes ?? photoSettings.minKb * 1024;
  const maxBytes = Math.max(minBytes, options.maxBytes ?? photoSettings.maxKb * 1024);
  const meta = await sharp(buffer, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
  // Apply the EXIF orientation first, so the crop window is computed on the upright image.
  const upright = (meta.orientation ?? 1) > 1 ? await sharp(buffer, { limitInputPixels: MAX_INPUT_PIXELS }).rotate().png({ compressionLevel: 1 }).toBuffer() : buffer;
  const { width = 0, height = 0 } = (meta.orientation ?? 1) > 1 ? await sharp(upright).metadata() : meta;
  const base = await sharp(upright, { limitInputPixels: MAX_INPUT_PIXELS })
    .extract(cropWindow(width, height))
    .resize(PHOTO_WIDTH, PHOTO_HEIGHT, { fit: 'fill' })
    .flatten({ background: '#ffffff' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const encode = (quality: number) =>
    sharp(base.data, { raw: { width: base.info.width, height: base.info.height, channels: base.info.channels } })
      .jpeg({ quality, chromaSubsampling: quality >= 90 ? '4:4:4' : '4:2:0' })
      .toBuffer();
  let quality = 92;
  let data = await encode(quality);
  while (data.length > maxBytes && quality > 10) {
    quality = Math.max(10, quality - (quality > 40 ? 8 : 5));
    data = await encode(quality);
  }
  return { data, width: PHOTO_WIDTH, height: PHOTO_HEIGHT, bytes: data.length, quality, withinCap: data.length <= maxBytes };
}

/** Findings about the processed result (appended to the inspection's). */
export function resultFindings(processed: ProcessedPhoto, settings: PhotoSettings = photoSettings): InspectedFinding[] {
  if (!processed.withinCap) return [finding('file-size', messages.overCap(settings), true)];
  if (processed.bytes < settings.minKb * 1024) return [finding('file-size', messages.underMin(processed.bytes, settings), false)];
  return [];
}
