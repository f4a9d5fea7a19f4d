import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { Request } from 'express';
import { ApplicationAccess } from '../applications/application-access';
import { mayActOnUnattached } from '../applications/document-rules';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../common/auth/auth-user';
import { type Changes, changedValues, changesOf, isEmpty } from '../common/changes';
import { escapeLike } from '../common/escape-like';
import { type Page, pageOf, pageWindow } from '../common/http/pagination';
import { ProblemException, ValidationProblem } from '../common/http/problem';
import type { AppConfig } from '../config/app-config';
import { FolderLookup } from '../folders/folder-lookup';
import { StorageService } from '../storage/storage.service';
import { readHead, receiveSingleFile } from './direct-upload';
import { type FileResponseDto, toFileResponse } from './dto/file-response.dto';
import type { ListFilesQuery } from './dto/list-files.query';
import type { UpdateFileDto } from './dto/update-file.dto';
import type { UploadFileQuery } from './dto/upload-file.query';
import { FileAccess } from './file-access';
import { cleanFileName } from './file-names';
import { type StoredUpload, FileRecords } from './file-records';
import { detectFileKind, SNIFF_BYTES } from './file-types';
import { newObjectKey, objectKeysOf } from './object-keys';
import { StoredFile } from './stored-file.entity';
import { FORM_OVERHEAD_BYTES, HashingCounter, targetFromForm, uploadProblems } from './upload-form';
import { UploadIntents } from './upload-intents';
import { UploadTargets } from './upload-target';

/** The fields of a file a PATCH may change, as the audit event names them. */
interface EditableFields {
  display_name: string | null;
  document_type: string | null;
  folder_id: string | null;
}

// C0 and C1 controls and the bidirectional overrides (as in file names).
// eslint-disable-next-line no-control-regex -- control characters are what this removes
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The files' use cases: the direct upload (streamed to storage while it is hashed and sniffed),
 * and the metadata routes (list, read, rename/retype/move, delete). Who may do what is checked
 * per object through FileAccess and UploadTargets (the application's document rules).
 */
@Injectable()
export class FilesService {
  private readonly logger = new Logger(FilesService.name);
  private readonly maxFileSize: number;

  constructor(
    config: ConfigService<AppConfig, true>,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: FileAccess,
    private readonly applications: ApplicationAccess,
    private readonly folders: FolderLookup,
    private readonly targets: UploadTargets,
    private readonly intents: UploadIntents,
    private readonly records: FileRecords,
    private readonly storage: StorageService,
    private readonly audit: AuditService,
  ) {
    this.maxFileSize = config.get('storage', { infer: true }).maxFileSize;
  }

  private get files() {
    return this.txHost.tx.getRepository(StoredFile);
  }

  // --- direct upload ---------------------------------------------------------------------------

  /**
   * `POST /files/upload`: the target is checked before any byte is stored; the first bytes
   * decide the type; the intent is written before the first byte goes to storage; the object,
   * its row and the audit event exist together or not at all.
   */
  async upload(
    caller: AuthUser,
    query: UploadFileQuery,
    request: Request,
  ): Promise<FileResponseDto> {
    const declared = Number(request.headers['content-length']);
    if (declared > this.maxFileSize + FORM_OVERHEAD_BYTES) {
      throw uploadProblems.tooLarge(this.maxFileSize);
    }
    let objectKey: string | undefined;
    let stored: StoredUpload;
    try {
      stored = await receiveSingleFile(request, this.maxFileSize, async (file, signal) => {
        const target = await this.targets.resolve(caller, targetFromForm(query, file.fields));
        signal.throwIfAborted();
        const { head, ended } = await readHead(file.stream, SNIFF_BYTES);
        signal.throwIfAborted();
        if (head.length === 0) throw uploadProblems.emptyFile();
        const detected = await detectFileKind(head, file.filename);
        if (!detected.ok) throw uploadProblems.notAllowedType(detected.detail);
        const { kind } = detected;
        const originalFilename = cleanFileName(file.filename, kind.extension);
        const key = newObjectKey(target, kind.extension);
        await this.intents.open({ kind: 'direct', objectKey: key, target, originalFilename });
        objectKey = key;
        signal.throwIfAborted();
        const body = new HashingCounter();
        if (ended) body.end(head);
        else {
          body.write(head);
          file.stream.pipe(body);
        }
        await this.putObject(key, body, kind.mime, signal);
        return {
          kind: 'direct',
          objectKey: key,
          size: body.bytes,
          mimeType: kind.mime,
          sha256: body.digest(),
          originalFilename,
          target: {
            application_id: target.applicationId,
            folder_id: target.folderId,
            document_type: target.documentType,
          },
        };
      });
    } catch (error) {
      if (objectKey) await this.records.discardObject(objectKey);
      throw error;
    }
    return this.records.record(caller, stored);
  }

  private async putObject(
    key: string,
    body: HashingCounter,
    contentType: string,
    signal: AbortSignal,
  ): Promise<void> {
    try {
      await this.storage.putStream(key, body, { contentType, signal });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      this.logger.error({ err: error, key }, 'could not store an upload');
      throw new ProblemException(
        HttpStatus.SERVICE_UNAVAILABLE,
        'The document storage did not take the file. Nothing was kept; please try again shortly.',
        { type: 'storage-unavailable', headers: { 'Retry-After': '5' } },
      );
    }
  }

  // --- metadata ----------------------------------------------------------------------------------

  /** The files the caller may see, filtered, newest first (then by id, so pages never overlap). */
  async list(caller: AuthUser, query: ListFilesQuery): Promise<Page<FileResponseDto>> {
    const qb = this.files.createQueryBuilder('f');
    const visible = this.access.visibleCondition(caller, 'f');
    if (visible) qb.andWhere(visible.sql, visible.params);
    if (query.application_id) {
      qb.andWhere('f.application_id = :applicationId', { applicationId: query.application_id });
    }
    if (query.folder_id) qb.andWhere('f.folder_id = :folderId', { folderId: query.folder_id });
    if (query.document_type) {
      qb.andWhere('f.document_type = :documentType', { documentType: query.document_type });
    }
    if (query.search) {
      qb.andWhere(
        `(f.original_filename ILIKE :search ESCAPE '\\' OR f.display_name ILIKE :search ESCAPE '\\')`,
        { search: `%${escapeLike(query.search)}%` },
      );
    }
    const { skip, take } = pageWindow(query);
    const [files, total] = await qb
      .orderBy('f.createdAt', 'DESC')
      .addOrderBy('f.id', 'DESC')
      .skip(skip)
      .take(take)
      .getManyAndCount();
    return pageOf(files.map(toFileResponse), total, query);
  }

  async get(caller: AuthUser, id: string): Promise<FileResponseDto> {
    return toFileResponse(await this.access.find(caller, id, 'read'));
  }

  /** Rename, retype or move (within its application); audited with each change's from and to. */
  update(caller: AuthUser, id: string, body: UpdateFileDto): Promise<FileResponseDto> {
    return this.txHost.withTransaction(async () => {
      const file = await this.access.find(caller, id, 'change', { lock: true });
      const current: EditableFields = {
        display_name: file.displayName,
        document_type: file.documentType,
        folder_id: file.folderId,
      };
      const changes = changesOf(current, {
        display_name: body.display_name === undefined ? undefined : cleanText(body.display_name),
        document_type: body.document_type,
        folder_id: body.folder_id,
      });
      if (isEmpty(changes)) return toFileResponse(file);
      if (changes.folder_id?.to) await this.checkMove(caller, file, changes.folder_id.to);
      const values = changedValues(changes);
      if (values.display_name !== undefined) file.displayName = values.display_name;
      if (values.document_type !== undefined) file.documentType = values.document_type;
      if (values.folder_id !== undefined) file.folderId = values.folder_id;
      const saved = await this.files.save(file);
      await this.recordEvent(caller, 'file.updated', saved, { changes });
      return toFileResponse(saved);
    });
  }

  /**
   * The row is removed in the transaction; the object and its thumbnails after the commit (a
   * failure there is logged: the storage check finds the orphan).
   */
  async remove(caller: AuthUser, id: string): Promise<void> {
    const objectKey = await this.txHost.withTransaction(async () => {
      const file = await this.access.find(caller, id, 'delete', { lock: true });
      await this.files.delete({ id: file.id });
      await this.recordEvent(caller, 'file.deleted', file, {
        original_filename: file.originalFilename,
        display_name: file.displayName,
        file_path: file.filePath,
        file_size: Number(file.fileSize),
        mime_type: file.mimeType,
        sha256: file.sha256,
        document_type: file.documentType,
        application_id: file.applicationId,
        folder_id: file.folderId,
      });
      return file.filePath;
    });
    await this.storage.deleteMany(objectKeysOf(objectKey)).catch((error: unknown) => {
      this.logger.error(
        { err: error, objectKey },
        'could not delete the objects of a deleted file; storage:check reports them',
      );
    });
  }

  /**
   * A move into `folderId`: a folder the caller may see (else 404) of the file's own
   * application (else 422); an unattached upload moves only between folders without an
   * application (into an application's folder: 422).
   */
  private async checkMove(caller: AuthUser, file: StoredFile, folderId: string): Promise<void> {
    const folder = await this.folders.find(folderId, { lock: true });
    const notFound = () =>
      new ProblemException(HttpStatus.NOT_FOUND, `Folder ${folderId} was not found.`);
    if (!folder) throw notFound();
    if (folder.applicationId) {
      await this.applications
        .check(caller, folder.applicationId, 'read')
        .catch((error: unknown) => {
          throw error instanceof ProblemException && error.getStatus() === 404 ? notFound() : error;
        });
    } else if (mayActOnUnattached(caller, folder.createdBy) === 'hidden') {
      throw notFound();
    }
    if (folder.applicationId === file.applicationId) return;
    const detail = file.applicationId
      ? `Folder ${folderId} does not belong to the file's application: a file moves only within its application.`
      : `Folder ${folderId} belongs to an application: an upload without an application cannot move into one (upload it there instead).`;
    throw new ValidationProblem(
      [{ loc: ['body', 'folder_id'], msg: 'belongs to another application', type: 'value_error' }],
      detail,
    );
  }

  private async recordEvent(
    caller: AuthUser,
    action: string,
    file: StoredFile,
    details: Record<string, unknown> | { changes: Changes<EditableFields> },
  ): Promise<void> {
    const application = file.applicationId
      ? await this.applications.check(caller, file.applicationId, 'read')
      : null;
    await this.audit.record({
      action,
      entityType: 'file',
      entityId: file.id,
      branchId: application?.branchId ?? null,
      departmentId: application?.departmentId ?? null,
      details,
    });
  }
}

/** A display name: NFC, without control characters, trimmed; blank is null. */
function cleanText(value: string | null): string | null {
  if (value === null) return null;
  const cleaned = value.normalize('NFC').replace(UNSAFE_TEXT, '').trim();
  return cleaned === '' ? null : cleaned;
}
