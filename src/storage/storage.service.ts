import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  ServerSideEncryption,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Readable } from 'node:stream';
import type { AppConfig, StorageConfig } from '../config/app-config';
import { createS3Client, unsignedUploadPayloads } from './s3-clients';

export interface StoredObject {
  size: number;
  contentType?: string;
  etag?: string;
}

export interface ObjectStream extends StoredObject {
  body: Readable;
}

/** One object of a bucket listing. */
export interface ListedObject {
  key: string;
  size: number;
  lastModified: Date;
}

export interface CompletedPart {
  partNumber: number;
  etag: string;
}

/** Content-Disposition for a download that keeps a non-ASCII original name (RFC 6266). */
export function attachmentDisposition(filename: string, asciiOnly = false): string {
  if (asciiOnly) {
    // s3rver checks presigned signatures over an encodeURIComponent-encoded query, so signed
    // values holding ' ( ) * ! fail there: `filename*=UTF-8''…` always would.
    return `attachment; filename="${filename.replace(/[^\x20-\x7e]|["\\'()*!]/g, '_')}"`;
  }
  const fallback = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  // RFC 5987: ' ( ) * ! must be percent-encoded too (encodeURIComponent leaves them).
  const encoded = encodeURIComponent(filename).replace(
    /['()*!]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

function isNotFound(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.$metadata.httpStatusCode === 404 || ['NotFound', 'NoSuchKey'].includes(error.name))
  );
}

/**
 * The one gateway to the object store. Presigned URLs are signed by a second client
 * configured for MINIO_PUBLIC_ENDPOINT, because rewriting the host of a signed URL would
 * break its signature.
 */
@Injectable()
export class StorageService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(StorageService.name);
  private readonly config: StorageConfig;
  private readonly client: S3Client;
  private readonly publicClient: S3Client;

  constructor(config: ConfigService<AppConfig, true>) {
    this.config = config.get('storage', { infer: true });
    this.client = createS3Client(this.config, this.config.endpoint);
    unsignedUploadPayloads(this.client);
    this.publicClient = createS3Client(this.config, this.config.publicEndpoint);
  }

  get bucket(): string {
    return this.config.bucket;
  }

  async onModuleInit(): Promise<void> {
    await this.ensureBucket();
  }

  onApplicationShutdown(): void {
    this.client.destroy();
    this.publicClient.destroy();
  }

  /** Creates the bucket when it is missing (start-up). */
  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      try {
        await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
        this.logger.log(`Created bucket ${this.bucket}`);
      } catch (createError) {
        // Another instance created it at the same moment.
        if ((createError as Error).name !== 'BucketAlreadyOwnedByYou') throw createError;
      }
    }
  }

  /** Readiness: the bucket answers within the signal's deadline. */
  async checkBucket(signal?: AbortSignal): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), {
      abortSignal: signal,
    });
  }

  private get encryption(): { ServerSideEncryption?: ServerSideEncryption } {
    const sse = this.config.serverSideEncryption;
    return sse ? { ServerSideEncryption: sse as ServerSideEncryption } : {};
  }

  /**
   * Streams `body` to `key` without holding it in memory (multipart above 5 MiB). Aborting
   * `signal` cancels the upload (destroying `body`), rejects with the signal's reason and
   * leaves no object behind.
   */
  async putStream(
    key: string,
    body: Readable,
    options: { contentType?: string; signal?: AbortSignal } = {},
  ): Promise<void> {
    const { signal } = options;
    signal?.throwIfAborted();
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: options.contentType,
        ...this.encryption,
      },
      queueSize: 2,
      leavePartsOnError: false,
    });
    // Ending the body makes the upload fail while it is still reading. `upload.abort()` is not
    // used: its promise settles at once while a request already in flight (the single PUT, or
    // the completion) may still store the object. Waiting for the upload to settle, then
    // deleting, leaves nothing behind.
    const abort = () => void body.destroy();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      await upload.done();
    } catch (error) {
      if (!signal?.aborted) throw error;
    } finally {
      signal?.removeEventListener('abort', abort);
    }
    if (signal?.aborted) {
      await this.delete(key).catch((error: unknown) =>
        this.logger.warn({ err: error, key }, 'Could not delete the object of an aborted upload'),
      );
      throw signal.reason;
    }
  }

  /** Small in-memory payloads (generated content, tests). */
  async putBuffer(key: string, body: Buffer | string, contentType?: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        ...this.encryption,
      }),
    );
  }

  async head(key: string): Promise<StoredObject | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: head.ContentLength ?? 0, contentType: head.ContentType, etag: head.ETag };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** The object's bytes as a stream (`range` as in HTTP, e.g. `bytes=0-99`). */
  async getStream(key: string, range?: string): Promise<ObjectStream | undefined> {
    try {
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range }),
      );
      return {
        body: object.Body as Readable,
        size: object.ContentLength ?? 0,
        contentType: object.ContentType,
        etag: object.ETag,
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Deleting a missing object is not an error (S3 semantics). */
  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async deleteMany(keys: string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += 1000) {
      const chunk = keys.slice(start, start + 1000);
      await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true },
        }),
      );
    }
  }

  /** A short-lived GET URL for browsers, downloading under the original file name. */
  presignGet(
    key: string,
    options: { filename?: string; contentType?: string } = {},
  ): Promise<string> {
    return getSignedUrl(
      this.publicClient,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentDisposition: options.filename
          ? attachmentDisposition(options.filename, this.config.s3rverCompatibility)
          : undefined,
        ResponseContentType: options.contentType,
      }),
      { expiresIn: this.config.presignedDownloadSeconds },
    );
  }

  /**
   * A PUT URL for a key the server chose. With `contentLength`, the length is signed into the
   * URL (`X-Amz-SignedHeaders` holds content-length): a body of another length is refused by
   * the store. With `contentType`, the client must send that Content-Type.
   */
  presignPut(
    key: string,
    options: { contentType?: string; contentLength?: number } = {},
  ): Promise<string> {
    return getSignedUrl(
      this.publicClient,
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ContentType: options.contentType,
        ContentLength: options.contentLength,
        ...this.encryption,
      }),
      { expiresIn: this.config.presignedUploadSeconds },
    );
  }

  /**
   * Every object under `prefix` (all when not given), page by page. The V1 listing with
   * `Marker` (the last key of the previous page): s3rver's V2 continuation tokens need legacy
   * OpenSSL.
   */
  async *listObjects(prefix?: string): AsyncGenerator<ListedObject> {
    let marker: string | undefined;
    for (;;) {
      const page = await this.client.send(
        new ListObjectsCommand({ Bucket: this.bucket, Prefix: prefix, Marker: marker }),
      );
      const contents = page.Contents ?? [];
      for (const object of contents) {
        if (object.Key === undefined) continue;
        yield {
          key: object.Key,
          size: object.Size ?? 0,
          lastModified: object.LastModified ?? new Date(0),
        };
      }
      if (!page.IsTruncated || contents.length === 0) return;
      marker = page.NextMarker ?? contents[contents.length - 1].Key;
    }
  }

  async createMultipart(key: string, contentType?: string): Promise<string> {
    const created = await this.client.send(
      new CreateMultipartUploadCommand({
        Bucket: this.bucket,
        Key: key,
        ContentType: contentType,
        ...this.encryption,
      }),
    );
    return created.UploadId!;
  }

  presignPart(key: string, uploadId: string, partNumber: number): Promise<string> {
    return getSignedUrl(
      this.publicClient,
      new UploadPartCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: partNumber,
      }),
      { expiresIn: this.config.presignedUploadSeconds },
    );
  }

  async completeMultipart(key: string, uploadId: string, parts: CompletedPart[]): Promise<void> {
    await this.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: {
          Parts: [...parts]
            .sort((a, b) => a.partNumber - b.partNumber)
            .map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })),
        },
      }),
    );
  }

  /**
   * Aborts an unfinished multipart upload. Some S3 servers cannot (s3rver answers 405): that
   * is logged, not fatal. Returns whether the storage confirmed the abort.
   */
  async abortMultipart(key: string, uploadId: string): Promise<boolean> {
    try {
      await this.client.send(
        new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }),
      );
      return true;
    } catch (error) {
      if (isNotFound(error)) return true;
      this.logger.warn(
        { err: error, key },
        'The object store could not abort a multipart upload; its parts may linger',
      );
      return false;
    }
  }
}
