import zlib from 'node:zlib';
import express, { type Request, type Response } from 'express';
import sharp from 'sharp';
import { DomainError, validationError } from './errors';

/** File kinds the system accepts; each is recognised by its first bytes, never by name or Content-Type. */
export type UploadKind = 'jpeg' | 'png' | 'pdf';

export interface UploadPolicy {
  /** Field reported in the 400 answer (the form field the console highlights). */
  field: string;
  /** The field's name for people, used in the message: 证件照, 学历证书, 证明材料. */
  label: string;
  maxBytes: number;
  accept: readonly UploadKind[];
  /** Images larger than this are refused before decoding (decompression bombs). Default 40 megapixels. */
  maxPixels?: number;
}

export interface CheckedUpload {
  kind: UploadKind;
  mimeType: string;
  extension: string;
  /** Images: the re-encoded image, without metadata or appended bytes. PDFs: the file as checked. */
  data: Buffer;
}

const MiB = 1024 * 1024;

/** Limits for the uploads later issues add; a route spreads one and names its field. */
export const uploadPresets = {
  photo: { label: '证件照', maxBytes: 2 * MiB, accept: ['jpeg', 'png'] },
  certificate: { label: '证书', maxBytes: 10 * MiB, accept: ['jpeg', 'png', 'pdf'] },
  material: { label: '证明材料', maxBytes: 10 * MiB, accept: ['jpeg', 'png', 'pdf'] },
} as const satisfies Record<string, Omit<UploadPolicy, 'field'>>;

const kinds: Record<UploadKind, { mimeType: string; extension: string; name: string }> = {
  jpeg: { mimeType: 'image/jpeg', extension: 'jpg', name: 'JPG' },
  png: { mimeType: 'image/png', extension: 'png', name: 'PNG' },
  pdf: { mimeType: 'application/pdf', extension: 'pdf', name: 'PDF' },
};

const DEFAULT_MAX_PIXELS = 40_000_000;

const messages = {
  missing: (label: string) => `请上传${label}`,
  tooLarge: (label: string, maxBytes: number) => `${label}不能超过${formatSize(maxBytes)}`,
  wrongType: (label: string, accept: readonly UploadKind[]) => `${label}只能是${accept.map((k) => kinds[k].name).join('、')}格式的文件`,
  brokenImage: (label: string) => `${label}图片已损坏或无法识别，请重新上传`,
  imageTooLarge: (label: string) => `${label}图片尺寸过大，请压缩后重新上传`,
  brokenPdf: (label: string) => `${label}不是完整的PDF文件，请重新生成后上传`,
  encryptedPdf: (label: string) => `${label}是加密的PDF文件，请取消密码保护后上传`,
  uncheckablePdf: (label: string) => `${label}的内容无法检查，请另存为标准PDF文件后上传`,
  activePdf: (label: string) => `${label}含有脚本、启动命令或嵌入文件，不能上传`,
};

function formatSize(bytes: number): string {
  return bytes >= MiB ? `${+(bytes / MiB).toFixed(1)}MB` : `${Math.ceil(bytes / 1024)}KB`;
}

function refuse(policy: UploadPolicy, message: string): DomainError {
  return validationError([{ field: policy.field, message }]);
}

/** The kind a file really is, from its magic bytes. */
export function detectKind(data: Buffer): UploadKind | undefined {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (data.length >= 5 && data.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  return undefined;
}

/**
 * Checks an uploaded file against a policy and returns what may be stored. Images are decoded and
 * encoded again, which drops EXIF (GPS position, device), comments and anything appended to the
 * file (a PDF or HTML tail that makes a polyglot), and proves the image decodes at all.
 */
export async function checkUpload(policy: UploadPolicy, data: unknown): Promise<CheckedUpload> {
  if (!Buffer.isBuffer(data) || data.length === 0) throw refuse(policy, messages.missing(policy.label));
  if (data.length > policy.maxBytes) throw refuse(policy, messages.tooLarge(policy.label, policy.maxBytes));
  const kind = detectKind(data);
  if (!kind || !policy.accept.includes(kind)) throw refuse(policy, messages.wrongType(policy.label, policy.accept));
  const out = kind === 'pdf' ? checkPdf(policy, data) : await reencodeImage(policy, kind, data);
  return { kind, mimeType: kinds[kind].mimeType, extension: kinds[kind].extension, data: out };
}

async function reencodeImage(policy: UploadPolicy, kind: 'jpeg' | 'png', data: Buffer): Promise<Buffer> {
  const limitInputPixels = policy.maxPixels ?? DEFAULT_MAX_PIXELS;
  let format: string | undefined;
  try {
    ({ format } = await sharp(data, { limitInputPixels: false }).metadata());
  } catch {
    throw refuse(policy, messages.brokenImage(policy.label));
  }
  // The decoder must agree with the magic bytes, or the file is something dressed as an image.
  if (format !== kind) throw refuse(policy, messages.brokenImage(policy.label));
  try {
    // rotate() applies the EXIF orientation before the metadata goes, so photos stay upright.
    const image = sharp(data, { limitInputPixels, failOn: 'error' }).rotate();
    return await (kind === 'jpeg' ? image.jpeg({ quality: 90 }) : image.png()).toBuffer();
  } catch (error) {
    if (error instanceof Error && /pixel limit/i.test(error.message)) throw refuse(policy, messages.imageTooLarge(policy.label));
    throw refuse(policy, messages.brokenImage(policy.label));
  }
}

/** PDF names that run code, start programs or carry files (PDF 32000-1 §12.6, §7.11.4). */
const ACTIVE_NAMES = new Set(['JavaScript', 'JS', 'Launch', 'EmbeddedFile', 'EmbeddedFiles']);
/** Filters other than Flate: an object stream encoded with one of them is not checked, so refused. */
const OTHER_FILTERS = new Set(['ASCIIHexDecode', 'ASCII85Decode', 'LZWDecode', 'RunLengthDecode', 'Crypt', 'DecodeParms']);
/** Decoded object streams larger than this are refused (a compression bomb costs memory, not a file). */
const MAX_INFLATED_BYTES = 64 * MiB;

type PdfVerdict = 'ok' | 'active' | 'encrypted' | 'uncheckable' | 'broken';

const isWhitespace = (c: number) => c === 0x00 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d || c === 0x20;
// ( ) < > [ ] { } / %
const isDelimiter = (c: number) => c === 0x28 || c === 0x29 || c === 0x3c || c === 0x3e || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === 0x2f || c === 0x25;
const isRegular = (c: number) => !isWhitespace(c) && !isDelimiter(c);

/** `#xx` escapes decoded (§7.3.5), so `/J#53` is the name `JS`. */
const decodeName = (raw: string) => raw.replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

function inflate(body: Buffer): Buffer | undefined {
  try {
    // Sync flush tolerates the end-of-line some writers leave before `endstream`.
    return zlib.inflateSync(body, { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: MAX_INFLATED_BYTES });
  } catch {
    return undefined;
  }
}

/**
 * Walks PDF syntax the way a reader tokenises it: comments, literal and hex strings are skipped (so
 * `(see /JS)` in a string is text, and a `stream` inside a string opens nothing), names are checked,
 * stream bodies are skipped, except object streams, whose compressed dictionaries are inflated and
 * walked too. Scanning raw bytes instead would both miss dictionaries hidden in object streams and
 * refuse honest files whose compressed image bytes happen to spell `/JS`.
 */
function scanPdf(data: Buffer, allowStreams: boolean): PdfVerdict {
  const text = data.toString('latin1');
  const n = text.length;
  let names: string[] = []; // names of the current object, for the stream that may follow
  let length: number | undefined; // a direct `/Length n` of the current object
  let previousName = '';
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x25) {
      while (i < n && text.charCodeAt(i) !== 0x0a && text.charCodeAt(i) !== 0x0d) i += 1;
    } else if (c === 0x28) {
      let depth = 1;
      i += 1;
      while (i < n && depth > 0) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i += 2;
        else {
          if (d === 0x28) depth += 1;
          else if (d === 0x29) depth -= 1;
          i += 1;
        }
      }
    } else if (c === 0x3c) {
      if (text.charCodeAt(i + 1) === 0x3c) i += 2; // << opens a dictionary
      else {
        const close = text.indexOf('>', i); // <…> is a hex string
        i = close < 0 ? n : close + 1;
      }
    } else if (c === 0x2f) {
      let j = i + 1;
      while (j < n && isRegular(text.charCodeAt(j))) j += 1;
      const name = decodeName(text.slice(i + 1, j));
      i = j;
      if (ACTIVE_NAMES.has(name)) return 'active';
      if (name === 'Encrypt') return 'encrypted';
      names.push(name);
      previousName = name;
      continue;
    } else if (isRegular(c)) {
      let j = i;
      while (j < n && isRegular(text.charCodeAt(j))) j += 1;
      const word = text.slice(i, j);
      i = j;
      if (word === 'obj') {
        names = [];
        length = undefined;
      } else if (previousName === 'Length' && /^\d+$/.test(word)) {
        length = Number(word);
      } else if (word === 'stream' && allowStreams) {
        if (text.charCodeAt(i) === 0x0d) i += 1;
        if (text.charCodeAt(i) === 0x0a) i += 1;
        // Trust a direct /Length only when `endstream` follows it; else the first `endstream`, which
        // can only end the body earlier than a reader does, never hide bytes a reader parses.
        const byLength = length !== undefined && /^\s*endstream/.test(text.slice(i + length, i + length + 12)) ? i + length : -1;
        const end = byLength >= 0 ? byLength : text.indexOf('endstream', i);
        if (end < 0) return 'broken';
        const verdict = checkStream(names, data.subarray(i, end));
        if (verdict !== 'ok') return verdict;
        i = text.indexOf('endstream', end) + 'endstream'.length;
        names = [];
        length = undefined;
      }
      previousName = '';
      continue;
    } else {
      i += 1;
      if (isWhitespace(c)) continue;
    }
    previousName = '';
  }
  return 'ok';
}

function checkStream(dictionaryNames: string[], body: Buffer): PdfVerdict {
  // Readers take any stream with /N and /First as an object stream, whatever its /Type says.
  const objectStream = dictionaryNames.includes('ObjStm') || (dictionaryNames.includes('N') && dictionaryNames.includes('First'));
  if (!objectStream) return 'ok';
  if (!dictionaryNames.includes('FlateDecode') || dictionaryNames.some((name) => OTHER_FILTERS.has(name))) return 'uncheckable';
  const decoded = inflate(body);
  return decoded ? scanPdf(decoded, false) : 'uncheckable';
}

function checkPdf(policy: UploadPolicy, data: Buffer): Buffer {
  // Only whitespace may follow the last %%EOF: bytes appended after it are refused, not ignored.
  const tail = data.subarray(Math.max(0, data.length - 1024)).toString('latin1').replace(/[\s\0]+$/, '');
  if (!tail.endsWith('%%EOF')) throw refuse(policy, messages.brokenPdf(policy.label));
  const verdict = scanPdf(data, true);
  if (verdict === 'broken') throw refuse(policy, messages.brokenPdf(policy.label));
  if (verdict === 'encrypted') throw refuse(policy, messages.encryptedPdf(policy.label));
  if (verdict === 'uncheckable') throw refuse(policy, messages.uncheckablePdf(policy.label));
  if (verdict === 'active') throw refuse(policy, messages.activePdf(policy.label));
  return data;
}

/**
 * Reads a one-file upload sent as the raw request body (`fetch(url, { method: 'PUT', body: file })`)
 * and checks it. The size limit stops reading early; the Content-Type the client claims is ignored.
 * For use inside a route handler: `const file = await receiveUpload(req, res, policy)`.
 */
export async function receiveUpload(req: Request, res: Response, policy: UploadPolicy): Promise<CheckedUpload> {
  const parse = express.raw({ type: () => true, limit: policy.maxBytes });
  await new Promise<void>((resolve, reject) =>
    parse(req, res, (err?: unknown) => {
      if (!err) return resolve();
      const tooLarge = typeof err === 'object' && err !== null && 'type' in err && err.type === 'entity.too.large';
      reject(tooLarge ? refuse(policy, messages.tooLarge(policy.label, policy.maxBytes)) : err);
    }),
  );
  return checkUpload(policy, req.body);
}
