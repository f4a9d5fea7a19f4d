import { HttpStatus, Injectable } from '@nestjs/common';
import { S3ServiceException } from '@aws-sdk/client-s3';
import type { AuthUser } from '../common/auth/auth-user';
import { ProblemException, ValidationProblem } from '../common/http/problem';
import { StorageService } from '../storage/storage.service';
import type { FileResponseDto } from './dto/file-response.dto';
import {
  type CompleteMultipartDto,
  MAX_PARTS,
  type MultipartStartedDto,
  type PartUrlsDto,
  type PartUrlsResponseDto,
  type StartMultipartDto,
} from './dto/multipart-upload.dto';
import { cleanFileName, extensionOf } from './file-names';
import {
  fileTooLarge,
  keyExtensionFor,
  readObjectHead,
  sniffedMimeType,
  storageStep,
} from './object-checks';
import { newObjectKey } from './object-keys';

import { ClientUploads } from './client-uploads';
import { UploadIntent } from './upload-intent.entity';
import { UploadIntents } from './upload-intents';
import { UploadTargets } from './upload-target';

const MIB = 1024 * 1024;
/** S3's smallest part (all but the last). */
export const MIN_PART_SIZE = 5 * MIB;
/** How long a chunked upload may take before the storage jobs abort it. */
export const MULTIPART_UPLOAD_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** The part size for a file of `size` bytes: at least 5 MiB, whole MiB, at most 10,000 parts. */
export function choosePartSize(size: number): { partSize: number; partCount: number } {
  const partSize = Math.max(MIN_PART_SIZE, Math.ceil(size / MAX_PARTS / MIB) * MIB);
  return { partSize, partCount: Math.max(1, Math.ceil(size / partSize)) };
}

/**
 * The part numbers a complete names, checked against the declared size: every part from 1 to
 * the count, once each. Returns the problems (empty when right). Pure.
 */
export function partListProblems(partNumbers: number[], partCount: number): string[] {
  const problems: string[] = [];
  const seen = new Set<number>();
  for (const number of partNumbers) {
    if (number > partCount) problems.push(`part ${number} is beyond the last part (${partCount})`);
    else if (seen.has(number)) problems.push(`part ${number} is named twice`);
    seen.add(number);
  }
  const missing = [];
  for (let number = 1; number <= partCount; number += 1) {
    if (!seen.has(number)) missing.push(number);
  }
  if (missing.length) {
    problems.push(
      `part${missing.length > 1 ? 's' : ''} ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''} missing`,
    );
  }
  return problems;
}

/**
 * Chunked uploads (SPEC §7, issue 11 item 5) for files up to MAX_MULTIPART_FILE_SIZE: the server
 * starts a multipart upload in storage and tracks it as an intent of kind `multipart` (the
 * store may be unable to list its uploads); the client PUTs parts to presigned URLs; complete
 * checks the parts, the total size and the type, and records the file with `sha256` null (the
 * storage jobs fill it by streaming the object). The route's `upload_id` is the intent's id.
 */
@Injectable()
export class MultipartUploads {
  constructor(
    private readonly uploads: ClientUploads,
    private readonly storage: StorageService,
    private readonly targets: UploadTargets,
    private readonly intents: UploadIntents,
  ) {}

  async start(caller: AuthUser, body: StartMultipartDto): Promise<MultipartStartedDto> {
    const limit = this.uploads.config.maxMultipartFileSize;
    if (body.size > limit) throw fileTooLarge(body.size, limit);
    const target = await this.targets.resolve(caller, body);
    const extension = keyExtensionFor(body.filename);
    const objectKey = newObjectKey(target, extension);
    const { partSize, partCount } = choosePartSize(body.size);
    const expiresAt = new Date(Date.now() + MULTIPART_UPLOAD_LIFETIME_MS);
    // No byte is stored before the intent exists: the upload is only opened here.
    const s3UploadId = await this.storage.createMultipart(
      objectKey,
      body.content_type ?? undefined,
    );
    let intent: UploadIntent;
    try {
      intent = await this.intents.open({
        kind: 'multipart',
        objectKey,
        target,
        originalFilename: cleanFileName(body.filename, extension),
        expectedSize: body.size,
        expiresAt,
        s3UploadId,
        partSize,
      });
    } catch (error) {
      await this.storage.abortMultipart(objectKey, s3UploadId);
      throw error;
    }
    return {
      upload_id: intent.id,
      object_name: objectKey,
      part_size: partSize,
      part_count: partCount,
      expires_at: expiresAt,
    };
  }

  async partUrls(
    caller: AuthUser,
    uploadId: string,
    body: PartUrlsDto,
  ): Promise<PartUrlsResponseDto> {
    const intent = await this.ownUpload(caller, uploadId);
    const { partCount } = partsOf(intent);
    const beyond = body.part_numbers.filter((number) => number > partCount);
    if (beyond.length) {
      throw new ValidationProblem(
        [
          {
            loc: ['body', 'part_numbers'],
            msg: `must be from 1 to ${partCount}`,
            type: 'value_error',
          },
        ],
        `This upload has ${partCount} part(s): ${beyond.join(', ')} is out of range.`,
      );
    }
    const parts = await Promise.all(
      body.part_numbers.map(async (number) => ({
        part_number: number,
        upload_url: await this.storage.presignPart(intent.objectKey, intent.s3UploadId!, number),
      })),
    );
    return { parts, expires_in: this.uploads.config.presignedUploadSeconds };
  }

  async complete(
    caller: AuthUser,
    uploadId: string,
    body: CompleteMultipartDto,
  ): Promise<FileResponseDto> {
    const intent = await this.ownUpload(caller, uploadId);
    return this.uploads.exclusive(intent.objectKey, () =>
      this.completeLocked(caller, uploadId, body),
    );
  }

  /** Aborts in storage (a refusal is logged by StorageService) and forgets the upload. */
  async abort(caller: AuthUser, uploadId: string): Promise<void> {
    const intent = await this.ownUpload(caller, uploadId);
    await this.uploads.exclusive(intent.objectKey, async () => {
      const current = await this.ownUpload(caller, uploadId);
      await this.storage.abortMultipart(current.objectKey, current.s3UploadId!);
      await this.intents.discard(current.objectKey);
    });
  }

  private async completeLocked(
    caller: AuthUser,
    uploadId: string,
    body: CompleteMultipartDto,
  ): Promise<FileResponseDto> {
    // Read again under the lock: a complete or abort may have finished meanwhile.
    const intent = await this.ownUpload(caller, uploadId);
    const { partCount } = partsOf(intent);
    const problems = partListProblems(
      body.parts.map((part) => part.part_number),
      partCount,
    );
    if (problems.length) {
      throw new ValidationProblem(
        problems.map((msg) => ({ loc: ['body', 'parts'], msg, type: 'value_error' })),
        `The parts do not make up the declared file: ${problems.join('; ')}.`,
      );
    }
    const key = intent.objectKey;
    await storageStep(() => this.assemble(intent, body));
    return this.uploads.recordOrDiscard(key, async (records) => {
      const head = await storageStep(() => this.storage.head(key));
      const size = head?.size ?? 0;
      if (size !== Number(intent.expectedSize)) {
        throw new ValidationProblem(
          [
            {
              loc: ['body', 'parts'],
              msg: 'the parts do not add up to the declared size',
              type: 'value_error',
            },
          ],
          `The assembled file has ${size} bytes, not the ${intent.expectedSize} declared; it was deleted. Start the upload again.`,
        );
      }
      const first = await storageStep(() => readObjectHead(this.storage, key));
      const originalFilename = intent.originalFilename ?? cleanFileName('', extensionOf(key));
      const mimeType = await sniffedMimeType(first ?? Buffer.alloc(0), originalFilename, key);
      return records.record(caller, {
        kind: 'multipart',
        objectKey: key,
        size,
        mimeType,
        sha256: null,
        originalFilename,
        target: {
          application_id: intent.applicationId,
          folder_id: intent.folderId,
          document_type: intent.documentType,
        },
      });
    });
  }

  /** Completes the upload in storage; a refusal of the parts (4xx) is 422, the upload stays open. */
  private async assemble(intent: UploadIntent, body: CompleteMultipartDto): Promise<void> {
    try {
      await this.storage.completeMultipart(
        intent.objectKey,
        intent.s3UploadId!,
        body.parts.map((part) => ({ partNumber: part.part_number, etag: part.etag })),
      );
    } catch (error) {
      // The store refused the parts (a wrong ETag, a part too small, one not uploaded): the
      // upload stays open, the client may send the parts again.
      if (error instanceof S3ServiceException && (error.$metadata.httpStatusCode ?? 500) < 500) {
        throw new ValidationProblem(
          [{ loc: ['body', 'parts'], msg: error.message, type: 'value_error' }],
          `The storage refused to assemble the parts (${error.name}): upload them again and complete with the ETags it answered.`,
        );
      }
      throw error;
    }
  }

  /** The caller's unfinished chunked upload `uploadId`; 404 for anyone else's, or none. */
  private async ownUpload(caller: AuthUser, uploadId: string): Promise<UploadIntent> {
    const intent = await this.uploads.findIntent({
      id: uploadId,
      kind: 'multipart',
      userId: caller.id,
    });
    if (!intent || !intent.s3UploadId) {
      throw new ProblemException(
        HttpStatus.NOT_FOUND,
        `No chunked upload ${uploadId} of yours is in progress.`,
      );
    }
    if (intent.expiresAt && intent.expiresAt.getTime() < Date.now()) {
      throw new ProblemException(
        HttpStatus.NOT_FOUND,
        `The chunked upload ${uploadId} expired; start a new one.`,
      );
    }
    return intent;
  }
}

function partsOf(intent: UploadIntent): { partSize: number; partCount: number } {
  const partSize = Number(intent.partSize);
  return { partSize, partCount: Math.max(1, Math.ceil(Number(intent.expectedSize) / partSize)) };
}
