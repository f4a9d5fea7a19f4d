import { HttpStatus, Injectable } from '@nestjs/common';
import type { AuthUser } from '../common/auth/auth-user';
import { type FieldError, ProblemException, ValidationProblem } from '../common/http/problem';
import { StorageService } from '../storage/storage.service';
import type { FileResponseDto } from './dto/file-response.dto';
import type {
  FinalizeUploadDto,
  UploadTargetFields,
  UploadUrlDto,
  UploadUrlResponseDto,
} from './dto/upload-url.dto';
import { cleanFileName, extensionOf } from './file-names';
import {
  fileTooLarge,
  hashObject,
  keyExtensionFor,
  readObjectHead,
  sniffedMimeType,
  storageStep,
} from './object-checks';
import { newObjectKey } from './object-keys';
import type { UploadIntent } from './upload-intent.entity';
import { UploadIntents } from './upload-intents';
import { UploadTargets } from './upload-target';
import { ClientUploads } from './client-uploads';

/**
 * Presigned uploads (SPEC §7, issue 11 item 4): the server chooses a key, binds it to the caller,
 * the target and an expiry (an intent of kind `presigned`) and signs a PUT for it; the client
 * PUTs the bytes to storage, then finalizes. Finalize checks the object (exists, size, type from
 * a ranged GET), hashes it by streaming and records it (FileRecords). A refused object is
 * deleted. Keys never finalized are deleted by the storage jobs an hour after they expire.
 */
@Injectable()
export class PresignedUploads {
  constructor(
    private readonly uploads: ClientUploads,
    private readonly targets: UploadTargets,
    private readonly intents: UploadIntents,
    private readonly storage: StorageService,
  ) {}

  async requestUrl(caller: AuthUser, body: UploadUrlDto): Promise<UploadUrlResponseDto> {
    const limit = this.uploads.config.maxFileSize;
    if (body.size != null && body.size > limit) throw fileTooLarge(body.size, limit);
    const target = await this.targets.resolve(caller, body);
    const objectKey = newObjectKey(target, keyExtensionFor(body.filename));
    const expiresIn = this.uploads.config.presignedUploadSeconds;
    await this.intents.open({
      kind: 'presigned',
      objectKey,
      target,
      originalFilename: cleanFileName(body.filename, keyExtensionFor(body.filename)),
      expectedSize: body.size ?? null,
      expiresAt: new Date(Date.now() + expiresIn * 1000),
    });
    const uploadUrl = await this.storage.presignPut(objectKey, {
      contentLength: body.size ?? undefined,
      contentType: body.content_type ?? undefined,
    });
    return { object_name: objectKey, upload_url: uploadUrl, expires_in: expiresIn };
  }

  async finalize(caller: AuthUser, body: FinalizeUploadDto): Promise<FileResponseDto> {
    return this.uploads.exclusive(body.object_name, () => this.finalizeLocked(caller, body));
  }

  private async finalizeLocked(
    caller: AuthUser,
    body: FinalizeUploadDto,
  ): Promise<FileResponseDto> {
    const key = body.object_name;
    const intent = await this.uploads.findIntent({ objectKey: key, kind: 'presigned' });
    if (!intent || intent.userId !== caller.id) {
      if (!intent && (await this.uploads.recordedBy(caller, key))) {
        throw new ProblemException(
          HttpStatus.CONFLICT,
          `The upload ${key} was finalized already; its file exists.`,
          { type: 'upload-already-finalized' },
        );
      }
      throw new ProblemException(
        HttpStatus.NOT_FOUND,
        `No upload ${key} is waiting to be finalized by you: ask POST /files/upload-url for a key.`,
      );
    }
    const target = boundTarget(intent, body);

    const head = await storageStep(() => this.storage.head(key));
    if (!head) {
      // The intent stays: the client may still PUT the bytes and finalize again.
      throw new ValidationProblem(
        [
          {
            loc: ['body', 'object_name'],
            msg: 'nothing was uploaded to this key',
            type: 'value_error',
          },
        ],
        `Nothing was uploaded to ${key} yet: PUT the file to upload_url first, then finalize.`,
      );
    }
    const originalFilename = cleanFileName(body.original_filename, extensionOf(key));
    // A refused object goes with its intent.
    return this.uploads.recordOrDiscard(key, async (records) => {
      this.checkSize(head.size, intent);
      const mimeType = await this.sniff(key, originalFilename);
      const hashed = await storageStep(() => hashObject(this.storage, key));
      if (!hashed) throw objectVanished(key);
      return records.record(caller, {
        kind: 'presigned',
        objectKey: key,
        size: hashed.size,
        mimeType,
        sha256: hashed.sha256,
        originalFilename,
        target,
      });
    });
  }

  private checkSize(size: number, intent: UploadIntent): void {
    const limit = this.uploads.config.maxFileSize;
    if (size > limit) throw fileTooLarge(size, limit);
    if (size === 0) {
      throw new ValidationProblem(
        [{ loc: ['body', 'object_name'], msg: 'the uploaded file is empty', type: 'value_error' }],
        'The uploaded file is empty.',
      );
    }
    if (intent.expectedSize !== null && Number(intent.expectedSize) !== size) {
      throw new ValidationProblem(
        [
          {
            loc: ['body', 'object_name'],
            msg: 'size differs from the declared one',
            type: 'value_error',
          },
        ],
        `The uploaded file has ${size} bytes, not the ${intent.expectedSize} declared.`,
      );
    }
  }

  /** The mime type from the object's first bytes: the name's and the key's extension must fit it. */
  private async sniff(key: string, originalFilename: string): Promise<string> {
    const head = await storageStep(() => readObjectHead(this.storage, key));
    if (!head) throw objectVanished(key);
    return sniffedMimeType(head, originalFilename, key);
  }
}

function objectVanished(key: string): ProblemException {
  return new ProblemException(
    HttpStatus.CONFLICT,
    `The object ${key} disappeared while it was being checked; upload it again.`,
  );
}

/**
 * The target bound to the intent; ids the finalize body gives must be the bound ones (422). A
 * document type may be given at finalize when none was bound.
 */
function boundTarget(intent: UploadIntent, body: UploadTargetFields) {
  const errors: FieldError[] = [];
  const mismatch = (field: string, given: string | null | undefined, bound: string | null) => {
    if (given != null && given !== bound) {
      errors.push({
        loc: ['body', field],
        msg: bound
          ? `must be ${bound}, as bound to this upload`
          : 'no such target was bound to this upload',
        type: 'value_error',
      });
    }
  };
  mismatch('application_id', body.application_id, intent.applicationId);
  mismatch('folder_id', body.folder_id, intent.folderId);
  if (intent.documentType !== null)
    mismatch('document_type', body.document_type, intent.documentType);
  if (errors.length) {
    throw new ValidationProblem(
      errors,
      'The finalize request names another target than the one the upload URL was made for.',
    );
  }
  return {
    application_id: intent.applicationId,
    folder_id: intent.folderId,
    document_type: intent.documentType ?? body.document_type ?? null,
  };
}
