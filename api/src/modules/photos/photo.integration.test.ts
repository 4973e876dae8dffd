import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhotoUploadResult, PhotoView } from '../../contracts/photos';
import { expectNoAccess } from '../../../../tests/support/idor';
import { createTestContext, newCandidate, signIn, type TestContext } from '../../../../tests/support/test-env';

let ctx: TestContext;
beforeAll(() => {
  ctx = createTestContext();
});
afterAll(() => ctx.close());

async function photo(width: number, height: number, background: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="${background}"/>
    <ellipse cx="${width / 2}" cy="${height * 0.4}" rx="${width * 0.22}" ry="${height * 0.2}" fill="#c8957a"/>
    <rect x="${width * 0.2}" y="${height * 0.65}" width="${width * 0.6}" height="${height * 0.35}" fill="#2b3a55"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 95 }).toBuffer();
}

const rowsOf = async (username: string) =>
  Number((await ctx.db('candidate_photos').join('users', 'users.id', 'candidate_photos.user_id').where('users.username', username).count<{ count: string }[]>('* as count'))[0]!.count);

describe('photo API (M09)', () => {
  it('M09 upload answers 201 with findings; the processed download is a 295x413 JPEG; current photo and original are served to the owner', async () => {
    const { agent, username } = await newCandidate(ctx, 'photo', { photo: false });
    expect((await agent.get('/api/photos/current')).body).toBeNull();

    const res = await agent.post('/api/photos').set('content-type', 'image/jpeg').send(await photo(600, 800, '#f5f5f5'));
    expect(res.status).toBe(201);
    const result = res.body as PhotoUploadResult;
    expect(result.accepted).toBe(true);
    expect(result.processed).toMatchObject({ width: 295, height: 413 });
    expect(result.findings.map((f) => f.code)).toContain('crop');
    expect(await rowsOf(username)).toBe(1);

    const processed = await agent.get(`/api/photos/${result.id}/processed.jpg`);
    expect(processed.status).toBe(200);
    expect(processed.headers['content-type']).toBe('image/jpeg');
    expect(processed.headers['cache-control']).toBe('private, no-store');
    expect(await sharp(processed.body as Buffer).metadata()).toMatchObject({ format: 'jpeg', width: 295, height: 413 });
    expect((processed.body as Buffer).length).toBe(result.processed.bytes);

    const original = await agent.get(`/api/photos/${result.id}/original`);
    expect(original.status).toBe(200);
    expect(await sharp(original.body as Buffer).metadata()).toMatchObject({ width: 600, height: 800 });

    const current = (await agent.get('/api/photos/current')).body as PhotoView;
    expect(current).toMatchObject({ id: result.id, accepted: true, processed: result.processed, original: { type: 'image/jpeg' } });

    const audit = await ctx.db('audit_log').where({ actor: username, action: 'photo.upload' }).first<{ result: string; object_id: string }>('result', 'object_id');
    expect(audit).toEqual({ result: 'success', object_id: result.id });
  });

  it('M09 a blocking finding answers 400 naming the field photo, and nothing is stored', async () => {
    const { agent, username } = await newCandidate(ctx, 'photo-bad', { photo: false });
    const dark = await agent.post('/api/photos').set('content-type', 'image/jpeg').send(await photo(600, 840, '#202020'));
    expect(dark.status).toBe(400);
    expect(dark.body.fields).toEqual([{ field: 'photo', message: '照片背景过暗，请在白色或浅色背景前重新拍摄' }]);
    const small = await agent.post('/api/photos').set('content-type', 'image/jpeg').send(await photo(200, 280, '#ffffff'));
    expect(small.status).toBe(400);
    expect(small.body.fields[0]).toMatchObject({ field: 'photo' });
    expect(small.body.fields[0].message).toContain('295×413');
    const text = await agent.post('/api/photos').set('content-type', 'image/jpeg').send(Buffer.from('not an image at all'));
    expect(text.status).toBe(400);
    expect(text.body.fields[0].field).toBe('photo');
    expect(await rowsOf(username)).toBe(0);
    expect((await agent.get('/api/photos/current')).body).toBeNull();
  });

  it('M09 another candidate gets 404 for a photo that is not theirs; staff without the permission cannot upload', async () => {
    const owner = await newCandidate(ctx, 'photo-owner', { photo: false });
    const res = await owner.agent.post('/api/photos').set('content-type', 'image/jpeg').send(await photo(600, 840, '#ffffff'));
    expect(res.status).toBe(201);
    const id = (res.body as PhotoUploadResult).id;
    const intruder = await newCandidate(ctx, 'photo-intruder', { photo: false });
    await expectNoAccess(intruder.agent, [
      { method: 'get', path: `/api/photos/${id}/processed.jpg` },
      { method: 'get', path: `/api/photos/${id}/original` },
    ]);
    expect((await intruder.agent.get(`/api/photos/${id}/original`)).status).toBe(404);
    expect((await intruder.agent.get('/api/photos/current')).body).toBeNull();

    const reviewer = await signIn(ctx.app, 'reviewer1');
    expect((await reviewer.post('/api/photos').set('content-type', 'image/jpeg').send(await photo(600, 840, '#ffffff'))).status).toBe(403);
  });
});
