import zlib from 'node:zlib';
import express from 'express';
import pino from 'pino';
import sharp from 'sharp';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { DomainError } from './errors';
import { errorMiddleware } from './error-middleware';
import { checkUpload, detectKind, receiveUpload, uploadPresets, type UploadPolicy } from './uploads';

const photo: UploadPolicy = { field: 'photo', ...uploadPresets.photo };
const material: UploadPolicy = { field: 'materials', ...uploadPresets.material };

const image = (format: 'jpeg' | 'png', width = 64, height = 48) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 30 } } })[format]();

/** A well-formed PDF: header, objects, xref with real offsets, trailer, %%EOF. */
function makePdf(objects: Array<string | Buffer>, trailerExtra = ''): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let length = parts[0]!.length;
  objects.forEach((body, i) => {
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1'), Buffer.from('\nendobj\n')]);
    offsets.push(length);
    parts.push(obj);
    length += obj.length;
  });
  const xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailerExtra}>>\nstartxref\n${length}\n%%EOF\n`));
  return Buffer.concat(parts);
}

function stream(dictionary: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`<< ${dictionary} /Length ${body.length} >>\nstream\n`), body, Buffer.from('\nendstream')]);
}

const content = Buffer.from('BT /F1 12 Tf 20 100 Td (Hello <script> /JS) Tj ET');
const pagesOf = (extraCatalog = '') => [
  `<< /Type /Catalog /Pages 2 0 R ${extraCatalog}>>`,
  '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
  '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>',
  stream('', content),
];

/** An object stream (PDF 1.5) holding `dictionary` as object 9, compressed so raw bytes hide it. */
function objectStream(dictionary: string, typeEntry = '/Type /ObjStm'): Buffer {
  const header = '9 0 ';
  return stream(`${typeEntry} /N 1 /First ${header.length} /Filter /FlateDecode`, zlib.deflateSync(Buffer.from(header + dictionary)));
}

async function refusal(policy: UploadPolicy, data: unknown): Promise<{ field: string; message: string }> {
  const error = await checkUpload(policy, data).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  const domain = error as DomainError;
  expect(domain.status).toBe(400);
  expect(domain.fields).toHaveLength(1);
  return domain.fields![0]!;
}

describe('upload checks (S1)', () => {
  it('S1 recognises JPEG, PNG and PDF by their first bytes only', async () => {
    expect(detectKind(await image('jpeg').toBuffer())).toBe('jpeg');
    expect(detectKind(await image('png').toBuffer())).toBe('png');
    expect(detectKind(makePdf(pagesOf()))).toBe('pdf');
    expect(detectKind(Buffer.from('GIF89a'))).toBeUndefined();
    expect(detectKind(Buffer.from('<html><script>alert(1)</script>'))).toBeUndefined();
  });

  it('S1 re-encodes a JPEG: EXIF (with its GPS and comments) is gone, orientation applied, pixels kept', async () => {
    const original = await image('jpeg', 64, 48)
      .withMetadata({ orientation: 6, exif: { IFD0: { Copyright: 'SECRET-EXIF-COPYRIGHT', ImageDescription: 'SECRET-EXIF-DESC' } } })
      .toBuffer();
    expect(original.toString('latin1')).toContain('SECRET-EXIF-DESC');
    const checked = await checkUpload(photo, original);
    expect(checked).toMatchObject({ kind: 'jpeg', mimeType: 'image/jpeg', extension: 'jpg' });
    expect(checked.data.toString('latin1')).not.toContain('SECRET-EXIF');
    const meta = await sharp(checked.data).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    // Orientation 6 (rotate 90°) was applied to the pixels: 64×48 became 48×64.
    expect([meta.width, meta.height]).toEqual([48, 64]);
  });

  it('S1 re-encodes a PNG and keeps its size', async () => {
    const checked = await checkUpload(photo, await image('png', 30, 20).toBuffer());
    expect(checked).toMatchObject({ kind: 'png', mimeType: 'image/png', extension: 'png' });
    const meta = await sharp(checked.data).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 30, 20]);
  });

  it('S1 a polyglot (PNG with a PDF and an HTML tail) comes out as the image alone', async () => {
    const png = await image('png').toBuffer();
    const tail = Buffer.from('%PDF-1.4\n1 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj\n%%EOF\n<html><script>alert(document.cookie)</script></html>');
    const polyglot = Buffer.concat([png, tail]);
    const checked = await checkUpload(photo, polyglot);
    const text = checked.data.toString('latin1');
    expect(text).not.toContain('%PDF');
    expect(text).not.toContain('<script');
    expect(text).not.toContain('JavaScript');
    expect((await sharp(checked.data).metadata()).format).toBe('png');
  });

  it('S1 refuses a renamed EXE, HTML, and a PDF where only images are allowed, naming the field', async () => {
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.from('This program cannot be run in DOS mode.'), Buffer.alloc(200)]);
    expect(await refusal(photo, exe)).toEqual({ field: 'photo', message: '证件照只能是JPG、PNG格式的文件' });
    expect(await refusal(material, exe)).toEqual({ field: 'materials', message: '证明材料只能是JPG、PNG、PDF格式的文件' });
    expect((await refusal(photo, Buffer.from('<svg onload=alert(1)>'))).message).toBe('证件照只能是JPG、PNG格式的文件');
    expect((await refusal(photo, makePdf(pagesOf()))).message).toBe('证件照只能是JPG、PNG格式的文件');
  });

  it('S1 refuses an empty, missing or oversized file', async () => {
    expect(await refusal(photo, Buffer.alloc(0))).toEqual({ field: 'photo', message: '请上传证件照' });
    expect((await refusal(photo, undefined)).message).toBe('请上传证件照');
    expect((await refusal(photo, { not: 'a file' })).message).toBe('请上传证件照');
    const big = Buffer.concat([await image('jpeg').toBuffer(), Buffer.alloc(uploadPresets.photo.maxBytes)]);
    expect(await refusal(photo, big)).toEqual({ field: 'photo', message: '证件照不能超过2MB' });
  });

  it('S1 refuses an image that does not decode, or has more pixels than allowed', async () => {
    const fakeJpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('not really a jpeg at all'.repeat(20))]);
    expect((await refusal(photo, fakeJpeg)).message).toBe('证件照图片已损坏或无法识别，请重新上传');
    const truncated = (await image('png', 200, 200).toBuffer()).subarray(0, 60);
    expect((await refusal(photo, truncated)).message).toBe('证件照图片已损坏或无法识别，请重新上传');
    const small: UploadPolicy = { ...photo, maxPixels: 1_000 };
    expect((await refusal(small, await image('png', 100, 100).toBuffer())).message).toBe('证件照图片尺寸过大，请压缩后重新上传');
  });

  it('S1 accepts a plain PDF as it is, names in strings and compressed page content included', async () => {
    const pdf = makePdf(pagesOf());
    const checked = await checkUpload(material, pdf);
    expect(checked).toMatchObject({ kind: 'pdf', mimeType: 'application/pdf', extension: 'pdf' });
    expect(checked.data.equals(pdf)).toBe(true);
    // Compressed bytes that happen to spell /JS are data, not a name; so is /JS inside a string.
    const binary = Buffer.concat([Buffer.from([0x78, 0x9c]), Buffer.from(' /JS /Launch stream\n'), Buffer.alloc(64, 0xab)]);
    const withImage = makePdf([...pagesOf(), stream('/Type /XObject /Subtype /Image /Width 4 /Height 4 /BitsPerComponent 8 /ColorSpace /DeviceGray /Filter /FlateDecode', binary), '<< /Title (About /JavaScript and /Launch) >>']);
    await expect(checkUpload(material, withImage)).resolves.toMatchObject({ kind: 'pdf' });
  });

  it('S1 refuses PDFs with JavaScript, launch actions or embedded files, however they are spelled', async () => {
    const active = '证明材料含有脚本、启动命令或嵌入文件，不能上传';
    const cases: Record<string, Buffer> = {
      openActionJs: makePdf([...pagesOf('/OpenAction 5 0 R '), '<< /S /JavaScript /JS (app.alert(1)) >>']),
      jsOnly: makePdf([...pagesOf('/AA << /O << /JS (this.print()) >> >> ')]),
      launch: makePdf([...pagesOf('/OpenAction << /S /Launch /F (cmd.exe) >> ')]),
      embedded: makePdf([...pagesOf('/Names << /EmbeddedFiles 5 0 R >> '), '<< /Names [(a.exe) 6 0 R] >>', stream('/Type /EmbeddedFile', Buffer.from('MZ'))]),
      hexEscaped: makePdf([...pagesOf('/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> ')]),
      inObjectStream: makePdf([...pagesOf(), objectStream('<< /S /JavaScript /JS (app.alert(1)) >>')]),
      inUntypedObjectStream: makePdf([...pagesOf(), objectStream('<< /S /Launch /F (calc) >>', '')]),
    };
    for (const [name, pdf] of Object.entries(cases)) {
      expect(await refusal(material, pdf), name).toEqual({ field: 'materials', message: active });
    }
  });

  it('S1 refuses a PDF that is truncated, has bytes after %%EOF, is encrypted, or hides objects it cannot check', async () => {
    const pdf = makePdf(pagesOf());
    expect((await refusal(material, pdf.subarray(0, pdf.length - 10))).message).toBe('证明材料不是完整的PDF文件，请重新生成后上传');
    const appended = Buffer.concat([pdf, Buffer.from('<html><script>alert(1)</script></html>')]);
    expect((await refusal(material, appended)).message).toBe('证明材料不是完整的PDF文件，请重新生成后上传');
    const encrypted = makePdf(pagesOf(), '/Encrypt << /Filter /Standard /V 2 /R 3 /O <00> /U <00> /P -4 >> ');
    expect((await refusal(material, encrypted)).message).toBe('证明材料是加密的PDF文件，请取消密码保护后上传');
    const lzw = makePdf([...pagesOf(), stream('/Type /ObjStm /N 1 /First 4 /Filter /LZWDecode', Buffer.from([1, 2, 3]))]);
    expect((await refusal(material, lzw)).message).toBe('证明材料的内容无法检查，请另存为标准PDF文件后上传');
    const corrupt = makePdf([...pagesOf(), stream('/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode', Buffer.from('not deflate'))]);
    expect((await refusal(material, corrupt)).message).toBe('证明材料的内容无法检查，请另存为标准PDF文件后上传');
    const size = material.maxBytes + 1;
    expect((await refusal(material, Buffer.concat([pdf, Buffer.alloc(size)]))).message).toBe('证明材料不能超过10MB');
  });
});

describe('receiveUpload (S1)', () => {
  const app = express();
  app.put('/photo', async (req, res) => {
    const file = await receiveUpload(req, res, photo);
    res.json({ kind: file.kind, bytes: file.data.length });
  });
  app.use(errorMiddleware(pino({ level: 'silent' })));

  it('S1 decides the type from the bytes, whatever Content-Type and file name claim', async () => {
    const png = await image('png').toBuffer();
    const res = await supertest(app).put('/photo?name=photo.pdf').set('content-type', 'application/pdf').send(png);
    expect(res.status).toBe(200);
    expect(res.body.kind).toBe('png');
    const exe = await supertest(app).put('/photo?name=photo.jpg').set('content-type', 'image/jpeg').send(Buffer.from('MZ\x90\x00evil', 'latin1'));
    expect(exe.status).toBe(400);
    expect(exe.body).toEqual({ code: 'VALIDATION', message: '证件照只能是JPG、PNG格式的文件', fields: [{ field: 'photo', message: '证件照只能是JPG、PNG格式的文件' }] });
  });

  it('S1 stops reading an oversized body and answers 400 naming the field', async () => {
    const res = await supertest(app).put('/photo').set('content-type', 'image/jpeg').send(Buffer.alloc(uploadPresets.photo.maxBytes + 1024, 0xff));
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([{ field: 'photo', message: '证件照不能超过2MB' }]);
  });

  it('S1 an empty body is a missing file', async () => {
    const res = await supertest(app).put('/photo').set('content-type', 'image/png');
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('请上传证件照');
  });
});
