import sharp from 'sharp';
import { thumbnailKey } from '../../src/files/object-keys';
import { RenderGate } from '../../src/files/render-gate';
import type { StoredFile } from '../../src/files/stored-file.entity';
import { createApplication, makeUnit, member } from '../harness/applications-fixtures';
import { auditRows } from '../harness/audit';
import { binary, type StoreFileOptions, storeFile } from '../harness/documents-fixtures';
import { expectProblem, expectStatus } from '../harness/expect';
import { requestsAs } from '../harness/http';
import type { Actor } from '../harness/identity';
import { sampleImage, samplePdf, samplePhotoWithExif } from '../harness/sample-files';
import { createTestApp, type TestApp } from '../harness/test-app';

/**
 * Issue 11 item 7: GET /files/{id}/thumbnail — auto-oriented, metadata stripped, sizes, kept in
 * S3 and served from there, ETag and 304, the refusals (415, 422, image-too-large) and the render
 * gate (503 with Retry-After).
 */

describe('Thumbnails of images', () => {
  let t: TestApp;
  let officer: Actor;
  let applicationId: string;
  let gate: RenderGate;

  const image = (bytes: Buffer, fields: Partial<StoreFileOptions> = {}) =>
    storeFile(t, {
      uploadedBy: officer.user.id,
      applicationId,
      bytes,
      name: 'photo.jpg',
      mimeType: 'image/jpeg',
      ...fields,
    });
  const thumbnail = (file: StoredFile, query: Record<string, string | number> = {}, headers = {}) =>
    binary(requestsAs(t, officer).get(`/files/${file.id}/thumbnail`, query, headers));

  beforeAll(async () => {
    t = await createTestApp();
    officer = await member(t, 'officer', await makeUnit(t));
    applicationId = (await createApplication(t, officer)).id as string;
    gate = t.app.get(RenderGate);
  });

  afterAll(() => t?.close());

  it('turns an EXIF-rotated phone photo upright and strips its metadata (no GPS)', async () => {
    const photo = await samplePhotoWithExif(80, 40);
    const input = await sharp(photo).metadata();
    expect([input.orientation, input.width, input.height, Boolean(input.exif)]).toEqual([
      6,
      80,
      40,
      true,
    ]);
    const file = await image(photo);
    const res = await thumbnail(file, { size: 128 });
    expectStatus(res, 200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['cache-control']).toBe('private, max-age=86400');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const meta = await sharp(res.body as Buffer).metadata();
    // Orientation 6: the 80 × 40 stored pixels show as 40 × 80; never enlarged.
    expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({
      format: 'jpeg',
      width: 40,
      height: 80,
    });
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    // Derived previews are not audited.
    expect(await auditRows(t, { entityId: file.id })).toEqual([]);
  });

  it.each([
    ['png', { size: 128 }, 128, 64],
    ['gif', { size: 512 }, 512, 256],
    ['webp', {}, 256, 128],
  ] as const)('makes a JPEG of a %s within size × size (%p)', async (format, query, w, h) => {
    const file = await image(await sampleImage(format, 1000, 500), {
      name: `picture.${format}`,
      mimeType: `image/${format}`,
    });
    const res = await thumbnail(file, query);
    expectStatus(res, 200);
    const meta = await sharp(res.body as Buffer).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', w, h]);
  });

  it('keeps the thumbnail in S3 and serves it from there afterwards', async () => {
    const file = await image(await sampleImage('jpeg', 600, 300));
    const key = thumbnailKey(file.filePath, 256);
    expect(await t.storage.head(key)).toBeUndefined();
    const first = await thumbnail(file);
    expectStatus(first, 200);
    expect(await t.storage.head(key)).toMatchObject({ contentType: 'image/jpeg' });
    // Without its original, only the kept thumbnail can answer.
    await t.storage.delete(file.filePath);
    const second = await thumbnail(file);
    expectStatus(second, 200);
    expect(second.body).toEqual(first.body);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.headers['content-length']).toBe(String((first.body as Buffer).length));
  });

  it('has an ETag from the SHA-256 and the size, and answers If-None-Match with 304', async () => {
    const file = await image(await sampleImage('png', 300, 300), {
      name: 'p.png',
      mimeType: 'image/png',
    });
    const res = await thumbnail(file, { size: 128 });
    expectStatus(res, 200);
    expect(res.headers.etag).toBe(`"${file.sha256}-128"`);
    for (const tag of [
      `"${file.sha256}-128"`,
      `W/"${file.sha256}-128"`,
      `"x", "${file.sha256}-128"`,
    ]) {
      const cached = await thumbnail(file, { size: 128 }, { 'If-None-Match': tag });
      expectStatus(cached, 304);
      expect(cached.headers.etag).toBe(`"${file.sha256}-128"`);
      expect(cached.headers['cache-control']).toBe('private, max-age=86400');
      expect((cached.body as Buffer).length).toBe(0);
    }
    // Another size is another thumbnail: the tag of size 128 does not match it.
    expectStatus(await thumbnail(file, { size: 512 }, { 'If-None-Match': res.headers.etag }), 200);
  });

  it('tags a file without a hash yet by its id and version', async () => {
    const file = await image(await sampleImage('jpeg'), { sha256: null });
    const res = await thumbnail(file, { size: 1024 });
    expectStatus(res, 200);
    expect(res.headers.etag).toBe(`"${file.id}.v${file.version}-1024"`);
  });

  it('refuses a PDF with 415 file-type-not-allowed', async () => {
    const pdf = await image(samplePdf(), { name: 'a.pdf', mimeType: 'application/pdf' });
    const res = await requestsAs(t, officer).get(`/files/${pdf.id}/thumbnail`);
    expect(expectProblem(res, 415, 'file-type-not-allowed').detail).toContain('application/pdf');
  });

  it.each(['100', 'abc', '256.0', '2048'])('refuses size=%s with 422', async (size) => {
    const file = await image(await sampleImage('jpeg'));
    const res = await requestsAs(t, officer).get(`/files/${file.id}/thumbnail`, { size });
    expectProblem(res, 422, 'validation-error');
    expect(res.body.errors[0].loc).toEqual(['query', 'size']);
  });

  it('refuses a decompression bomb with 422 image-too-large; the file stays', async () => {
    const bomb = await sharp({
      create: { width: 20000, height: 20000, channels: 3, background: { r: 0, g: 0, b: 0 } },
      limitInputPixels: false,
    })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    const file = await image(bomb, { name: 'bomb.png', mimeType: 'image/png' });
    const res = await requestsAs(t, officer).get(`/files/${file.id}/thumbnail`);
    expect(expectProblem(res, 422, 'image-too-large').detail).toContain('100000000 pixels');
    expectStatus(await requestsAs(t, officer).get(`/files/${file.id}/download`), 200);
    expect(await t.storage.head(thumbnailKey(file.filePath, 256))).toBeUndefined();
  });

  describe('the render gate', () => {
    afterEach(() => gate.setLimits({ concurrency: 2, waitMs: 10_000 }));

    it('with every slot taken, each waiting request is 503 with Retry-After after the wait', async () => {
      gate.setLimits({ concurrency: 1, waitMs: 200 });
      let release!: () => void;
      const held = gate.run(() => new Promise<void>((resolve) => (release = resolve)));
      try {
        const files = await Promise.all([1, 2, 3].map(() => sampleImage('jpeg').then(image)));
        const started = Date.now();
        const answers = await Promise.all(
          files.map((file) => requestsAs(t, officer).get(`/files/${file.id}/thumbnail`)),
        );
        expect(Date.now() - started).toBeGreaterThanOrEqual(190);
        for (const res of answers) {
          expectProblem(res, 503, 'previews-busy');
          expect(res.headers['retry-after']).toBe('5');
        }
        expect(gate.load).toEqual({ running: 1, waiting: 0 });
        release();
        await held;
        // The slot is free again: the same request now renders.
        expectStatus(await thumbnail(files[0]), 200);
      } finally {
        release();
      }
    });

    it('deletes a thumbnail rendered for a file deleted meanwhile: no object outlives its row', async () => {
      gate.setLimits({ concurrency: 1, waitMs: 5_000 });
      const file = await image(await sampleImage('jpeg', 300, 200));
      let release!: () => void;
      const held = gate.run(() => new Promise<void>((resolve) => (release = resolve)));
      const answer = thumbnail(file).then((res) => res);
      while (gate.load.waiting === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      // The file goes (as DELETE /files/{id} does) while its thumbnail waits for a slot.
      await t.dataSource.query('DELETE FROM files WHERE id = $1', [file.id]);
      release();
      await held;
      expectStatus(await answer, 200);
      expect(await t.storage.head(thumbnailKey(file.filePath, 256))).toBeUndefined();
    });

    it('renders a thumbnail asked for by several requests at once only once', async () => {
      const file = await image(await sampleImage('jpeg', 2000, 1500));
      let most = 0;
      const watch = setInterval(() => (most = Math.max(most, gate.load.running)), 1);
      let answers: Awaited<ReturnType<typeof thumbnail>>[];
      try {
        answers = await Promise.all([1, 2, 3].map(() => thumbnail(file)));
      } finally {
        clearInterval(watch);
      }
      answers.forEach((res) => expectStatus(res, 200));
      expect(answers[1].body).toEqual(answers[0].body);
      expect(answers[2].body).toEqual(answers[0].body);
      expect(most).toBe(1);
    });

    it('with one slot and a long enough wait, three concurrent requests take turns and all succeed', async () => {
      gate.setLimits({ concurrency: 1, waitMs: 5_000 });
      const files = await Promise.all(
        [1, 2, 3].map(() => sampleImage('jpeg', 2000, 1500).then(image)),
      );
      let most = 0;
      const watch = setInterval(() => (most = Math.max(most, gate.load.running)), 1);
      try {
        const answers = await Promise.all(files.map((file) => thumbnail(file)));
        answers.forEach((res) => expectStatus(res, 200));
      } finally {
        clearInterval(watch);
      }
      expect(most).toBeLessThanOrEqual(1);
      expect(gate.load).toEqual({ running: 0, waiting: 0 });
    });
  });
});
