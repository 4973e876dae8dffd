const IMAGE_DATA_URL = /^data:image\/(png|jpeg);base64,([A-Za-z0-9+/]+={0,2})$/;

const SIGNATURES: Record<'png' | 'jpeg', readonly number[]> = {
  png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  jpeg: [0xff, 0xd8, 0xff],
};

/**
 * True for `data:image/png;base64,…` and `data:image/jpeg;base64,…` whose bytes really start like a
 * PNG or JPEG. Anything else (SVG, HTML, other schemes, a mislabelled payload) is refused, so a photo
 * field can never smuggle markup or a URL into a document.
 */
export function isImageDataUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = IMAGE_DATA_URL.exec(value);
  if (!match) return false;
  const [, kind, payload] = match;
  if ((kind !== 'png' && kind !== 'jpeg') || payload === undefined) return false;
  const signature = SIGNATURES[kind];
  // Decode only the first few bytes: a photo may be hundreds of KB.
  const head = Buffer.from(payload.slice(0, 16), 'base64');
  return signature.every((byte, i) => head[i] === byte);
}
