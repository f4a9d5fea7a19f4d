/**
 * What the presigned and chunked paths check of an object a client wrote straight to storage:
 * its first bytes (a ranged GET, for the type) and its SHA-256 (streamed, never buffered), and
 * the refusals they lead to (413, 415, 503 when the store fails).
 */
import { HttpException, HttpStatus } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ProblemException } from '../common/http/problem';
import type { StorageService } from '../storage/storage.service';
import {
  ALLOWED_TYPES_TEXT,
  detectFileKind,
  FILE_KINDS,
  type FileKind,
  SNIFF_BYTES,
} from './file-types';
import { cleanFileName, extensionOf } from './file-names';

/** The kind a client's name announces (by its extension's family), if any. */
export function kindOfName(filename: string): FileKind | undefined {
  const extension = extensionOf(cleanFileName(filename, ''));
  if (!extension) return undefined;
  return Object.values(FILE_KINDS).find((kind) =>
    (kind.family as readonly string[]).includes(extension),
  );
}

/**
 * The extension of a key handed out before any byte is seen: the canonical one of the kind the
 * name announces, or none (the sniff at finalize decides the kind; a key never changes).
 */
export function keyExtensionFor(filename: string): string {
  return kindOfName(filename)?.extension ?? '';
}

/** The first SNIFF_BYTES of an object (fewer when it is smaller); undefined when it is missing. */
export async function readObjectHead(
  storage: StorageService,
  key: string,
): Promise<Buffer | undefined> {
  const object = await storage.getStream(key, `bytes=0-${SNIFF_BYTES - 1}`);
  if (!object) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of object.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The hex SHA-256 of an object and its length, streamed; undefined when it is missing. */
export async function hashObject(
  storage: StorageService,
  key: string,
): Promise<{ sha256: string; size: number } | undefined> {
  const object = await storage.getStream(key);
  if (!object) return undefined;
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of object.body) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/**
 * Runs a storage step of an upload check: a failure of the store (unreachable, cut mid-stream)
 * becomes 503 `storage-unavailable` rather than an unexplained 500.
 */
export async function storageStep<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof HttpException) throw error;
    throw new ProblemException(
      HttpStatus.SERVICE_UNAVAILABLE,
      'The document storage is not answering. Please try again shortly.',
      { type: 'storage-unavailable', headers: { 'Retry-After': '5' } },
    );
  }
}

export function fileTooLarge(size: number, limit: number): ProblemException {
  return new ProblemException(
    HttpStatus.PAYLOAD_TOO_LARGE,
    `The file (${size} bytes) is larger than the limit of ${limit} bytes.`,
    { type: 'file-too-large' },
  );
}

export function typeNotAllowed(detail: string): ProblemException {
  return new ProblemException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, detail, {
    type: 'file-type-not-allowed',
  });
}

/**
 * The type of an object from its first bytes and the client's name (file-types.ts); the key's
 * extension, chosen from the name when the key was handed out, must fit it too. Else 415.
 */
export async function sniffedMimeType(
  head: Buffer,
  originalFilename: string,
  key: string,
): Promise<string> {
  const found = await detectFileKind(head, originalFilename);
  if (!found.ok) throw typeNotAllowed(found.detail);
  const keyExtension = extensionOf(key.slice(key.lastIndexOf('/') + 1));
  if (keyExtension && !(found.kind.family as readonly string[]).includes(keyExtension)) {
    throw typeNotAllowed(
      `The file was announced as ${keyExtension} but its content is ${found.kind.mime}; upload ${ALLOWED_TYPES_TEXT} under its own name.`,
    );
  }
  return found.kind.mime;
}
