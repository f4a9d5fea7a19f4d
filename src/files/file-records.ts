import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../common/auth/auth-user';
import { StorageService } from '../storage/storage.service';
import { FileResponseDto, toFileResponse } from './dto/file-response.dto';
import type { UploadKind } from './upload-intent.entity';
import { UploadIntents } from './upload-intents';
import { type UploadTargetRequest, UploadTargets } from './upload-target';
import { StoredFile } from './stored-file.entity';

/** An object in storage, checked (type, size, hash), waiting for its row. */
export interface StoredUpload {
  kind: UploadKind;
  objectKey: string;
  size: number;
  mimeType: string;
  /** Null for a chunked upload: the hash job fills it. */
  sha256: string | null;
  /** Cleaned (file-names.ts). */
  originalFilename: string;
  target: UploadTargetRequest;
}

/**
 * The last step of every upload path (direct, presigned, chunked): the file's row, the removal
 * of its intent and the audit event, in one transaction that checks the target again under
 * lock (the application may have been decided, or the folder deleted, while the bytes flowed).
 * When that transaction fails, the object and its intent are deleted: storage never keeps an
 * object without a row.
 */
@Injectable()
export class FileRecords {
  private readonly logger = new Logger(FileRecords.name);

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly targets: UploadTargets,
    private readonly intents: UploadIntents,
    private readonly storage: StorageService,
    private readonly audit: AuditService,
  ) {}

  async record(caller: AuthUser, upload: StoredUpload): Promise<FileResponseDto> {
    try {
      return await this.txHost.withTransaction(() => this.insert(caller, upload));
    } catch (error) {
      await this.discardObject(upload.objectKey);
      throw error;
    }
  }

  /** Deletes an object that will get no row, then its intent (logged when storage refuses). */
  async discardObject(objectKey: string): Promise<void> {
    try {
      await this.storage.delete(objectKey);
      await this.intents.discard(objectKey);
    } catch (error) {
      // The intent stays: the clean-up job deletes the object later.
      this.logger.error(
        { err: error, objectKey },
        'could not delete the object of a failed upload',
      );
    }
  }

  private async insert(caller: AuthUser, upload: StoredUpload): Promise<FileResponseDto> {
    const target = await this.targets.resolve(caller, upload.target, { lock: true });
    const files = this.txHost.tx.getRepository(StoredFile);
    const file = await files.save(
      files.create({
        filename: upload.objectKey.slice(upload.objectKey.lastIndexOf('/') + 1),
        originalFilename: upload.originalFilename,
        displayName: null,
        filePath: upload.objectKey,
        fileSize: String(upload.size),
        mimeType: upload.mimeType,
        sha256: upload.sha256,
        documentType: target.documentType,
        uploadedBy: caller.id,
        applicationId: target.applicationId,
        folderId: target.folderId,
      }),
    );
    await this.intents.close(upload.objectKey);
    await this.audit.record({
      action: 'file.uploaded',
      entityType: 'file',
      entityId: file.id,
      branchId: target.application?.branchId ?? null,
      departmentId: target.application?.departmentId ?? null,
      details: {
        upload: upload.kind,
        application_id: file.applicationId,
        folder_id: file.folderId,
        document_type: file.documentType,
        original_filename: file.originalFilename,
        file_size: upload.size,
        mime_type: file.mimeType,
      },
    });
    return toFileResponse(file);
  }
}
