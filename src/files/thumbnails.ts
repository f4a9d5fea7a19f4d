import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import type { AuthUser } from '../common/auth/auth-user';
import { ProblemException } from '../common/http/problem';
import { StorageService } from '../storage/storage.service';
import { FileAccess } from './file-access';
import { objectMissing, storageUnavailable, type StreamedAnswer } from './file-downloads';
import { FILE_KINDS } from './file-types';
import { thumbnailKey, type ThumbnailSize } from './object-keys';
import { RenderGate, RenderGateBusy } from './render-gate';
import { StoredFile } from './stored-file.entity';

/** Above this many pixels an image is not decoded (decompression bombs): 422 image-too-large. */
export const MAX_INPUT_PIXELS = 100_000_000;

/** The types thumbnails are made of: JPEG, PNG, GIF and WebP (HEIC is not decoded here). */
export const THUMBNAIL_SOURCE_TYPES: readonly string[] = Object.values(FILE_KINDS)
  .filter((kind) => kind.image)
  .map((kind) => kind.mime);

/**
 * The ETag of a thumbnail: the file's SHA-256 (the bytes it is made of) and the size; a file
 * without a hash yet (chunked upload) uses its id and version instead.
 */
export function thumbnailEtag(
  file: { id: string; version: number; sha256: string | null },
  size: ThumbnailSize,
): string {
  const basis = file.sha256 ?? `${file.id}.v${file.version}`;
  return `"${basis}-${size}"`;
}

/** Whether an `If-None-Match` header names `etag` (weak comparison, `*` matches any). */
export function ifNoneMatchMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => opaque(tag) === opaque(etag));
}

/**
 * A JPEG of at most `size` × `size` pixels (never enlarged), turned upright from the EXIF
 * orientation; no metadata is copied (phone photos carry GPS positions): sharp writes none
 * unless asked. Animated images give their first frame.
 */
export function renderThumbnail(image: Buffer, size: ThumbnailSize): Promise<Buffer> {
  return sharp(image, { limitInputPixels: MAX_INPUT_PIXELS })
    .rotate()
    .resize(size, size, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 80 })
    .toBuffer();
}

export type ThumbnailAnswer =
  { kind: 'not-modified'; headers: Record<string, string> } | ({ kind: 'image' } & StreamedAnswer);

/**
 * Thumbnails of images (SPEC §7, issue 11 item 7): made on first request, kept as S3 objects
 * beside the original (`thumbnailKey`) and served from there afterwards. Renders pass through a
 * gate (at most 2 at once per instance; a waiting one is refused with 503 after 10 s). Not
 * audited: they are derived previews, and the caller may read the file anyway.
 */
@Injectable()
export class Thumbnails {
  private readonly logger = new Logger(Thumbnails.name);
  /** Renders in progress by thumbnail key: a second request for the same one waits for it. */
  private readonly rendering = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly access: FileAccess,
    private readonly storage: StorageService,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly gate: RenderGate,
  ) {}

  async thumbnail(
    caller: AuthUser,
    fileId: string,
    size: ThumbnailSize,
    ifNoneMatch: string | undefined,
  ): Promise<ThumbnailAnswer> {
    const file = await this.access.find(caller, fileId, 'read');
    if (!THUMBNAIL_SOURCE_TYPES.includes(file.mimeType)) {
      throw new ProblemException(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        `Thumbnails are made of JPEG, PNG, GIF and WebP images; this file is ${file.mimeType}. Download it instead.`,
        { type: 'file-type-not-allowed' },
      );
    }
    const etag = thumbnailEtag(file, size);
    const caching = { ETag: etag, 'Cache-Control': 'private, max-age=86400' };
    if (ifNoneMatchMatches(ifNoneMatch, etag)) return { kind: 'not-modified', headers: caching };
    const key = thumbnailKey(file.filePath, size);
    const kept = await this.storage.getStream(key).catch((error: unknown) => {
      throw storageUnavailable(this.logger, error, 'reading a thumbnail');
    });
    const image = kept ? undefined : await this.render(file, size, key);
    return {
      kind: 'image',
      status: HttpStatus.OK,
      headers: {
        ...caching,
        'Content-Type': 'image/jpeg',
        'Content-Length': String(kept ? kept.size : image!.length),
        'X-Content-Type-Options': 'nosniff',
      },
      body: kept ? kept.body : Readable.from([image!]),
    };
  }

  /** Renders the thumbnail once per instance however many ask for it at the same time. */
  private render(file: StoredFile, size: ThumbnailSize, key: string): Promise<Buffer> {
    let render = this.rendering.get(key);
    if (!render) {
      render = this.renderOnce(file, size, key).finally(() => this.rendering.delete(key));
      this.rendering.set(key, render);
    }
    return render;
  }

  /** Renders the thumbnail through the gate and keeps it in storage. */
  private async renderOnce(file: StoredFile, size: ThumbnailSize, key: string): Promise<Buffer> {
    try {
      return await this.gate.run(async () => {
        const image = await this.renderFromStorage(file, size);
        await this.keep(file, key, image);
        return image;
      });
    } catch (error) {
      if (!(error instanceof RenderGateBusy)) throw error;
      throw new ProblemException(
        HttpStatus.SERVICE_UNAVAILABLE,
        'Too many previews are being made right now. Please try again in a few seconds.',
        { type: 'previews-busy', headers: { 'Retry-After': '5' } },
      );
    }
  }

  private async renderFromStorage(file: StoredFile, size: ThumbnailSize): Promise<Buffer> {
    let original: Buffer;
    try {
      const object = await this.storage.getStream(file.filePath);
      if (!object) throw objectMissing(this.logger, file);
      // sharp decodes from memory anyway; the gate bounds how many originals are held at once.
      original = await readAll(object.body);
    } catch (error) {
      if (error instanceof ProblemException) throw error;
      throw storageUnavailable(this.logger, error, 'reading an image to preview');
    }
    try {
      return await renderThumbnail(original, size);
    } catch (error) {
      if (/pixel limit/i.test((error as Error).message)) {
        throw new ProblemException(
          HttpStatus.UNPROCESSABLE_ENTITY,
          `The image is too large to preview (over ${MAX_INPUT_PIXELS} pixels). Download it instead.`,
          { type: 'image-too-large' },
        );
      }
      this.logger.warn({ err: error, fileId: file.id }, 'an image could not be decoded');
      throw new ProblemException(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'The image could not be decoded to make a preview (it may be damaged). Download it instead.',
      );
    }
  }

  /**
   * Stores the thumbnail (a failure only costs a render next time). A file deleted while it
   * rendered has had its objects deleted already: the new thumbnail is deleted too, so that no
   * object outlives its row.
   */
  private async keep(file: StoredFile, key: string, image: Buffer): Promise<void> {
    try {
      await this.storage.putBuffer(key, image, 'image/jpeg');
      const stillThere = await this.txHost.tx
        .getRepository(StoredFile)
        .exists({ where: { id: file.id } });
      if (!stillThere) await this.storage.delete(key);
    } catch (error) {
      this.logger.warn({ err: error, key }, 'could not keep a thumbnail');
    }
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
