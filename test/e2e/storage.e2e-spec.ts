import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StorageService } from '../../src/storage/storage.service';
import { s3ClientFor } from '../harness/s3';
import { loadState } from '../harness/state';
import { createTestApp, type TestApp } from '../harness/test-app';

const MiB = 1024 * 1024;

async function bucketStatus(client: S3Client, bucket: string): Promise<number> {
  try {
    const res = await client.send(new HeadBucketCommand({ Bucket: bucket }));
    return res.$metadata.httpStatusCode ?? 0;
  } catch (error) {
    return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? -1;
  }
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Streams `data` in `chunkSize` pieces, the way a request body arrives. */
function chunked(data: Buffer, chunkSize = 256 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let start = 0; start < data.length; start += chunkSize) {
        yield data.subarray(start, start + chunkSize);
      }
    })(),
  );
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function objectBytes(storage: StorageService, key: string): Promise<Buffer> {
  const object = await storage.getStream(key);
  expect(object).toBeDefined();
  return readAll(object!.body);
}

/** Records the commands the service sends through its (private) S3 client until `stop()`. */
function recordCommands(storage: StorageService) {
  const client = (storage as unknown as { client: S3Client }).client;
  const spy = jest.spyOn(client, 'send');
  let sent: { name: string; input: Record<string, unknown> }[] = [];
  return {
    sent: () => sent,
    stop: () => {
      sent = spy.mock.calls.map(([command]) => ({
        name: command.constructor.name,
        input: command.input as Record<string, unknown>,
      }));
      spy.mockRestore();
    },
  };
}

function key(prefix = 'test'): string {
  return `${prefix}/${randomUUID()}.bin`;
}

/** A signed URL with one character of its signature changed. */
function tamperSignature(url: string): string {
  const parsed = new URL(url);
  const signature = parsed.searchParams.get('X-Amz-Signature')!;
  expect(signature).toMatch(/^[0-9a-f]{64}$/);
  const changed = (signature[0] === '0' ? '1' : '0') + signature.slice(1);
  parsed.searchParams.set('X-Amz-Signature', changed);
  return parsed.toString();
}

describe('StorageService against the S3 server', () => {
  let t: TestApp;
  let s3: S3Client;
  let bucket: string;
  const data = randomBytes(6 * MiB + 12345);

  beforeAll(async () => {
    s3 = s3ClientFor(loadState().s3);
    bucket = `storage-e2e-${randomBytes(4).toString('hex')}`;
    expect(await bucketStatus(s3, bucket)).toBe(404);
    t = await createTestApp({ env: { MINIO_BUCKET_NAME: bucket } });
  });
  afterAll(async () => {
    s3.destroy();
    await t?.close();
  });

  it('creates its missing bucket at start-up; ensureBucket is idempotent', async () => {
    expect(t.storage.bucket).toBe(bucket);
    expect(await bucketStatus(s3, bucket)).toBe(200);
    await t.storage.ensureBucket();
    await t.storage.ensureBucket();
    expect(await bucketStatus(s3, bucket)).toBe(200);
    await expect(t.storage.checkBucket()).resolves.toBeUndefined();
  });

  it('streams a multi-part upload, then head, full and range reads give back the bytes', async () => {
    const objectKey = key('stream');
    const commands = recordCommands(t.storage);
    try {
      await t.storage.putStream(objectKey, chunked(data), { contentType: 'application/pdf' });
    } finally {
      commands.stop();
    }
    // 6 MiB and a bit: two parts of a multipart upload (s3rver's ETags do not show it).
    expect(commands.sent().map((command) => command.name)).toEqual([
      'CreateMultipartUploadCommand',
      'UploadPartCommand',
      'UploadPartCommand',
      'CompleteMultipartUploadCommand',
    ]);

    const head = await t.storage.head(objectKey);
    expect(head).toMatchObject({ size: data.length, contentType: 'application/pdf' });

    const object = await t.storage.getStream(objectKey);
    expect(object).toMatchObject({ size: data.length, contentType: 'application/pdf' });
    const bytes = await readAll(object!.body);
    expect(bytes.length).toBe(data.length);
    expect(sha256(bytes)).toBe(sha256(data));

    const range = await t.storage.getStream(objectKey, 'bytes=5242870-5242889');
    expect(range!.size).toBe(20);
    expect((await readAll(range!.body)).equals(data.subarray(5242870, 5242890))).toBe(true);
  });

  it('a small stream is stored with a single PUT', async () => {
    const objectKey = key('small');
    const small = Buffer.from('hello, storage');
    await t.storage.putStream(objectKey, chunked(small, 4), { contentType: 'text/plain' });
    expect(await t.storage.head(objectKey)).toMatchObject({
      size: small.length,
      contentType: 'text/plain',
    });
    expect((await objectBytes(t.storage, objectKey)).toString()).toBe('hello, storage');
  });

  it('an upload aborted mid-way is refused and leaves no object', async () => {
    const objectKey = key('aborted');
    const controller = new AbortController();
    let produced = 0;
    const source = new Readable({
      read() {
        if (produced >= 30 * MiB) return void this.push(null);
        produced += 256 * 1024;
        // Abort once the first part is on its way and the second is being read.
        if (produced === 7 * MiB) setImmediate(() => controller.abort());
        this.push(randomBytes(256 * 1024));
      },
    });
    await expect(
      t.storage.putStream(objectKey, source, { signal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(produced).toBeLessThan(20 * MiB);
    expect(source.destroyed).toBe(true);
    expect(await t.storage.head(objectKey)).toBeUndefined();
    // Parts still in flight when the abort came must not complete the object later.
    await sleep(300);
    expect(await t.storage.head(objectKey)).toBeUndefined();
  });

  it('an upload whose signal is already aborted stores nothing', async () => {
    const objectKey = key('pre-aborted');
    await expect(
      t.storage.putStream(objectKey, chunked(Buffer.from('never stored')), {
        signal: AbortSignal.abort(),
      }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    await sleep(300);
    expect(await t.storage.head(objectKey)).toBeUndefined();
  });

  it('an abort that comes while the last request is in flight leaves no object', async () => {
    const objectKey = key('late-abort');
    const controller = new AbortController();
    const source = chunked(randomBytes(MiB));
    // The body has been read whole: the single PUT is being sent when the abort comes.
    source.on('end', () => setImmediate(() => controller.abort()));
    await expect(
      t.storage.putStream(objectKey, source, { signal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    await sleep(300);
    expect(await t.storage.head(objectKey)).toBeUndefined();
  });

  it('presignGet gives a 5-minute URL that downloads the bytes', async () => {
    const objectKey = key('presigned');
    const content = randomBytes(3000);
    await t.storage.putBuffer(objectKey, content, 'application/pdf');

    const url = await t.storage.presignGet(objectKey);
    expect(new URL(url).origin).toBe(t.config.storage.publicEndpoint);
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('300');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await res.arrayBuffer()).equals(content)).toBe(true);
  });

  const s3rver = loadState().s3.s3rver;

  it('presignGet asks for the original (non-ASCII) file name as Content-Disposition', async () => {
    const url = await t.storage.presignGet(key('named'), { filename: "reçu (2024)'s.pdf" });
    expect(new URL(url).searchParams.get('response-content-disposition')).toBe(
      s3rver
        ? // s3rver cannot verify signed values holding ' ( ) * !: an ASCII name only.
          `attachment; filename="re_u _2024__s.pdf"`
        : `attachment; filename="re_u (2024)'s.pdf"; filename*=UTF-8''re%C3%A7u%20%282024%29%27s.pdf`,
    );
  });

  it('a presigned download carries the file name in Content-Disposition', async () => {
    const objectKey = key('named');
    const content = randomBytes(1000);
    await t.storage.putBuffer(objectKey, content, 'application/pdf');
    const res = await fetch(await t.storage.presignGet(objectKey, { filename: 'reçu 2024.pdf' }));
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(content)).toBe(true);
    const disposition = res.headers.get('content-disposition')!;
    expect(disposition).toMatch(/^attachment; filename="re_u 2024.pdf"/);
    if (!s3rver) {
      expect(decodeURIComponent(disposition.split("UTF-8''")[1])).toBe('reçu 2024.pdf');
    }
  });

  it('a presigned URL with a tampered signature is refused (403)', async () => {
    const objectKey = key('tampered');
    await t.storage.putBuffer(objectKey, 'secret', 'text/plain');
    const url = await t.storage.presignGet(objectKey);
    expect((await fetch(url)).status).toBe(200);
    const res = await fetch(tamperSignature(url));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('SignatureDoesNotMatch');

    const putUrl = await t.storage.presignPut(key('tampered-put'));
    const put = await fetch(tamperSignature(putUrl), { method: 'PUT', body: 'x' });
    expect(put.status).toBe(403);
  });

  it('presignPut lets a client upload bytes that head then sees', async () => {
    const objectKey = key('put');
    const content = randomBytes(70_000);
    const url = await t.storage.presignPut(objectKey, { contentType: 'image/png' });
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('3600');
    const res = await fetch(url, {
      method: 'PUT',
      body: content,
      headers: { 'Content-Type': 'image/png' },
    });
    expect(res.status).toBe(200);
    expect(await t.storage.head(objectKey)).toMatchObject({
      size: content.length,
      contentType: 'image/png',
    });
    expect(sha256(await objectBytes(t.storage, objectKey))).toBe(sha256(content));
  });

  it('low-level multipart: presigned parts, complete, and an abort the server cannot do', async () => {
    const objectKey = key('multipart');
    const part1 = data.subarray(0, 5 * MiB);
    const part2 = data.subarray(5 * MiB, 5 * MiB + 1000);
    const uploadId = await t.storage.createMultipart(objectKey, 'application/zip');
    expect(uploadId).toEqual(expect.any(String));

    const etags: string[] = [];
    for (const [index, part] of [part1, part2].entries()) {
      const url = await t.storage.presignPart(objectKey, uploadId, index + 1);
      const search = new URL(url).searchParams;
      expect(search.get('partNumber')).toBe(String(index + 1));
      expect(search.get('uploadId')).toBe(uploadId);
      const res = await fetch(url, { method: 'PUT', body: part });
      expect(res.status).toBe(200);
      const etag = res.headers.get('etag');
      expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
      expect(etag).toBe(`"${createHash('md5').update(part).digest('hex')}"`);
      etags.push(etag!);
    }
    expect(await t.storage.head(objectKey)).toBeUndefined();

    // Given out of order: the service sorts them.
    await t.storage.completeMultipart(objectKey, uploadId, [
      { partNumber: 2, etag: etags[1] },
      { partNumber: 1, etag: etags[0] },
    ]);
    expect(await t.storage.head(objectKey)).toMatchObject({
      size: part1.length + part2.length,
      contentType: 'application/zip',
    });
    const bytes = await objectBytes(t.storage, objectKey);
    expect(sha256(bytes)).toBe(sha256(Buffer.concat([part1, part2])));

    const other = key('multipart-abandoned');
    const otherId = await t.storage.createMultipart(other);
    // s3rver does not implement AbortMultipartUpload (405): reported, not thrown.
    await expect(t.storage.abortMultipart(other, otherId)).resolves.toBe(!loadState().s3.s3rver);
    expect(await t.storage.head(other)).toBeUndefined();
  });

  it('delete and deleteMany remove objects; deleting a missing key is not an error', async () => {
    const keys = [key('del'), key('del'), key('del'), key('keep')];
    for (const k of keys) await t.storage.putBuffer(k, k, 'text/plain');

    await t.storage.delete(keys[0]);
    expect(await t.storage.head(keys[0])).toBeUndefined();
    expect(await t.storage.head(keys[1])).toBeDefined();
    await expect(t.storage.delete(keys[0])).resolves.toBeUndefined();

    await t.storage.deleteMany([keys[1], keys[2], key('never-existed')]);
    expect(await t.storage.head(keys[1])).toBeUndefined();
    expect(await t.storage.head(keys[2])).toBeUndefined();
    expect((await objectBytes(t.storage, keys[3])).toString()).toBe(keys[3]);
    await expect(t.storage.deleteMany([])).resolves.toBeUndefined();
  });

  it('head and getStream of a missing key give undefined', async () => {
    const missing = key('missing');
    expect(await t.storage.head(missing)).toBeUndefined();
    expect(await t.storage.getStream(missing)).toBeUndefined();
    expect(await t.storage.getStream(missing, 'bytes=0-10')).toBeUndefined();
  });
});

describe('StorageService with a public endpoint of another host name', () => {
  let t: TestApp;
  let privateHost: string;
  let publicEndpoint: string;

  beforeAll(async () => {
    // The same server under two names: the harness's listens on 127.0.0.1, which localhost
    // reaches too (and the other way round for an external server on localhost).
    const endpoint = new URL(loadState().s3.endpoint);
    privateHost = endpoint.hostname;
    expect(['127.0.0.1', 'localhost']).toContain(privateHost);
    const publicUrl = new URL(endpoint);
    publicUrl.hostname = privateHost === 'localhost' ? '127.0.0.1' : 'localhost';
    publicEndpoint = publicUrl.origin;
    t = await createTestApp({ env: { MINIO_PUBLIC_ENDPOINT: publicEndpoint } });
  });
  afterAll(() => t?.close());

  it('signs presigned URLs for the public host, and they work there', async () => {
    expect(t.config.storage.endpoint).not.toBe(publicEndpoint);
    expect(t.config.storage.publicEndpoint).toBe(publicEndpoint);

    const putKey = key('public-put');
    const putUrl = await t.storage.presignPut(putKey, { contentType: 'text/plain' });
    expect(new URL(putUrl).origin).toBe(publicEndpoint);
    const put = await fetch(putUrl, {
      method: 'PUT',
      body: 'through the public host',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(put.status).toBe(200);
    expect(await t.storage.head(putKey)).toMatchObject({ size: 23, contentType: 'text/plain' });

    const getUrl = await t.storage.presignGet(putKey, { contentType: 'text/plain; charset=utf-8' });
    expect(new URL(getUrl).origin).toBe(publicEndpoint);
    const res = await fetch(getUrl);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('through the public host');
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');

    // Signed for the public host: the same URL sent to the private host does not verify.
    const rewritten = new URL(getUrl);
    rewritten.hostname = privateHost;
    expect((await fetch(rewritten)).status).toBe(403);
  });

  it('presigned parts go through the public host too', async () => {
    const objectKey = key('public-multipart');
    const uploadId = await t.storage.createMultipart(objectKey);
    const url = await t.storage.presignPart(objectKey, uploadId, 1);
    expect(new URL(url).origin).toBe(publicEndpoint);
    const part = randomBytes(1000);
    const res = await fetch(url, { method: 'PUT', body: part });
    expect(res.status).toBe(200);
    await t.storage.completeMultipart(objectKey, uploadId, [
      { partNumber: 1, etag: res.headers.get('etag')! },
    ]);
    expect(await t.storage.head(objectKey)).toMatchObject({ size: 1000 });
  });
});

describe('StorageService with S3_SERVER_SIDE_ENCRYPTION=AES256', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { S3_SERVER_SIDE_ENCRYPTION: 'AES256' } });
  });
  afterAll(() => t?.close());

  it('sends the setting on every kind of write, and the writes succeed', async () => {
    expect(t.config.storage.serverSideEncryption).toBe('AES256');

    const buffered = key('sse-buffer');
    const streamed = key('sse-stream');
    const big = randomBytes(5 * MiB + 10);
    const commands = recordCommands(t.storage);
    try {
      await t.storage.putBuffer(buffered, 'encrypted at rest', 'text/plain');
      await t.storage.putStream(streamed, chunked(big));
    } finally {
      commands.stop();
    }
    // s3rver accepts the header without echoing it: check what was sent.
    const sse = (name: string) =>
      commands
        .sent()
        .filter((command) => command.name === name)
        .map((command) => command.input.ServerSideEncryption);
    expect(sse('PutObjectCommand')).toEqual(['AES256']);
    expect(sse('CreateMultipartUploadCommand')).toEqual(['AES256']);
    expect(await t.storage.head(buffered)).toMatchObject({ size: 17 });
    expect(await t.storage.head(streamed)).toMatchObject({ size: big.length });

    const presigned = key('sse-presigned');
    const url = await t.storage.presignPut(presigned);
    // The header is part of the signature: a client must send it as signed.
    expect(new URL(url).searchParams.get('X-Amz-SignedHeaders')).toContain(
      'x-amz-server-side-encryption',
    );
    expect((await fetch(url, { method: 'PUT', body: 'abc' })).status).toBe(403);
    const res = await fetch(url, {
      method: 'PUT',
      body: 'abc',
      headers: { 'x-amz-server-side-encryption': 'AES256' },
    });
    expect(res.status).toBe(200);
    expect(await t.storage.head(presigned)).toMatchObject({ size: 3 });

    const multipart = key('sse-multipart');
    const uploadId = await t.storage.createMultipart(multipart);
    const partUrl = await t.storage.presignPart(multipart, uploadId, 1);
    const part = await fetch(partUrl, { method: 'PUT', body: 'xyz' });
    expect(part.status).toBe(200);
    await t.storage.completeMultipart(multipart, uploadId, [
      { partNumber: 1, etag: part.headers.get('etag')! },
    ]);
    expect(await t.storage.head(multipart)).toMatchObject({ size: 3 });
  });
});
