import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cropWindow, inspectPhoto, photoSettings, processPhoto, resultFindings } from './photo-processing';

/** A portrait: a light (or given) background with a darker head-and-shoulders shape and some texture. */
async function portrait(width: number, height: number, options: { background?: string; format?: 'jpeg' | 'png'; noise?: boolean } = {}): Promise<Buffer> {
  const bg = options.background ?? '#f4f6f8';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="${bg}"/>
    <ellipse cx="${width / 2}" cy="${height * 0.4}" rx="${width * 0.22}" ry="${height * 0.2}" fill="#c8957a"/>
    <rect x="${width * 0.2}" y="${height * 0.65}" width="${width * 0.6}" height="${height * 0.35}" fill="#2b3a55"/>
  </svg>`;
  let image = sharp(Buffer.from(svg));
  if (options.noise) {
    // Texture in the middle only, so the border stays a clean background.
    const w = Math.round(width * 0.6);
    const h = Math.round(height * 0.6);
    const noise = await sharp({ create: { width: w, height: h, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer();
    image = sharp(await image.png().toBuffer()).composite([{ input: noise, left: Math.round(width * 0.2), top: Math.round(height * 0.3) }]);
  }
  const withExif = image.withMetadata({ exif: { IFD0: { Make: 'TestCam', Model: 'GPS-Phone' } } });
  return options.format === 'png' ? withExif.png().toBuffer() : withExif.jpeg({ quality: 95 }).toBuffer();
}

const blocking = (findings: Array<{ code: string; blocking: boolean }>) => findings.filter((f) => f.blocking).map((f) => f.code);

describe('M09 photo inspection and processing', () => {
  it('M09 a light-background portrait is accepted and becomes a 295x413 JPEG under the cap, without metadata', async () => {
    const input = await portrait(600, 800, { noise: true });
    expect((await sharp(input).metadata()).exif).toBeDefined();
    const inspection = await inspectPhoto(input);
    expect(blocking(inspection.findings)).toEqual([]);
    expect(inspection.findings.map((f) => f.code)).toContain('crop');

    const processed = await processPhoto(input, { maxBytes: 200 * 1024 });
    expect(resultFindings(processed)).toEqual([]);
    const meta = await sharp(processed.data).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 295, height: 413 });
    expect(meta.exif).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(processed.bytes).toBe(processed.data.length);
    expect(processed.bytes).toBeLessThanOrEqual(200 * 1024);
    expect(processed.data.includes(Buffer.from('GPS-Phone'))).toBe(false);
  });

  it('M09 a dark background is a blocking finding in Chinese', async () => {
    const inspection = await inspectPhoto(await portrait(600, 840, { background: '#303030' }));
    expect(blocking(inspection.findings)).toEqual(['background']);
    expect(inspection.findings.find((f) => f.code === 'background')!.message).toMatch(/背景过暗/);
  });

  it('M09 a bright but strongly coloured background (yellow) is refused too', async () => {
    const inspection = await inspectPhoto(await portrait(600, 840, { background: '#fff0a0' }));
    expect(blocking(inspection.findings)).toEqual(['background']);
    expect(inspection.findings.find((f) => f.code === 'background')!.message).toMatch(/浅色背景/);
  });

  it('M09 a photo smaller than 295x413 is a blocking finding naming the size', async () => {
    const inspection = await inspectPhoto(await portrait(200, 280));
    expect(blocking(inspection.findings)).toEqual(['pixels']);
    expect(inspection.findings[0]!.message).toContain('200×280');
    expect(inspection.findings[0]!.message).toContain('295×413');
  });

  it('M09 a PNG is accepted and converted to JPEG', async () => {
    const input = await portrait(590, 826, { format: 'png' });
    const inspection = await inspectPhoto(input);
    expect(blocking(inspection.findings)).toEqual([]);
    expect(inspection.findings.find((f) => f.code === 'format')!.message).toMatch(/PNG.*JPG/);
    const processed = await processPhoto(input);
    expect(await sharp(processed.data).metadata()).toMatchObject({ format: 'jpeg', width: 295, height: 413 });
  });

  it('M09 a GIF or a text file is refused as not a JPG/PNG image', async () => {
    const gif = await sharp({ create: { width: 300, height: 420, channels: 3, background: '#ffffff' } }).gif().toBuffer();
    for (const input of [gif, Buffer.from('这不是照片 just text\n'), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.from('not really a jpeg')])]) {
      const inspection = await inspectPhoto(input);
      expect(inspection.findings).toEqual([{ code: 'format', message: '照片只能是JPG或PNG格式的图片，请重新上传', blocking: true }]);
    }
  });

  it('M09 a huge 4000x5600 photo is compressed under the configured cap', async () => {
    const input = await portrait(4000, 5600, { noise: true });
    expect(input.length).toBeGreaterThan(photoSettings.maxKb * 1024);
    const inspection = await inspectPhoto(input);
    expect(blocking(inspection.findings)).toEqual([]);
    expect(inspection.findings.map((f) => f.code)).toContain('file-size');
    for (const maxKb of [200, 30]) {
      const processed = await processPhoto(input, { maxBytes: maxKb * 1024 });
      expect(processed.withinCap).toBe(true);
      expect(processed.bytes).toBeLessThanOrEqual(maxKb * 1024);
      expect(await sharp(processed.data).metadata()).toMatchObject({ format: 'jpeg', width: 295, height: 413 });
    }
  }, 30_000);

  it('M09 the cap is never set below 10 KB', async () => {
    const processed = await processPhoto(await portrait(600, 840, { noise: true }), { maxBytes: 1024 });
    expect(processed.quality).toBeGreaterThan(10);
    expect(processed.bytes).toBeGreaterThan(1024);
  });

  it('M09 the crop keeps 5:7, centred across and biased towards the top', () => {
    expect(cropWindow(1000, 1000)).toEqual({ left: 143, top: 0, width: 714, height: 1000 });
    expect(cropWindow(700, 1400)).toEqual({ left: 0, top: 126, width: 700, height: 980 });
    expect(cropWindow(295, 413)).toEqual({ left: 0, top: 0, width: 295, height: 413 });
  });
});
