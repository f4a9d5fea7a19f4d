import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Readable } from 'node:stream';
import type { DocumentApplication } from '../applications/application-access';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../common/auth/auth-user';
import { ProblemException } from '../common/http/problem';
import type { AppConfig } from '../config/app-config';
import { attachmentDisposition, StorageService } from '../storage/storage.service';
import { contentRange, parseByteRange } from './byte-range';
import { downloadName } from './download-names';
import type { DownloadUrlDto } from './dto/download-url.dto';
import { FileAccess } from './file-access';
import type { StoredFile } from './stored-file.entity';

/** A streamed answer: its status, headers and body (the controller pipes it). */
export interface StreamedAnswer {
  status: number;
  headers: Record<string, string>;
  body: Readable;
}

/** 503 for an object store that failed (logged with `what`); the client may retry. */
export function storageUnavailable(logger: Logger, error: unknown, what: string) {
  logger.error({ err: error }, `the object store failed: ${what}`);
  return new ProblemException(
    HttpStatus.SERVICE_UNAVAILABLE,
    'The document storage is not answering. Please try again shortly.',
    { type: 'storage-unavailable', headers: { 'Retry-After': '5' } },
  );
}

/** A row whose object is gone (storage:check reports these): logged, and 404 for the client. */
export function objectMissing(logger: Logger, file: StoredFile): ProblemException {
  logger.error({ fileId: file.id, key: file.filePath }, 'a file row has no object in storage');
  return new ProblemException(
    HttpStatus.NOT_FOUND,
    `The content of file ${file.id} is missing from the document storage.`,
  );
}

/** Content-Type for a stored type (plain text was checked to be UTF-8 on upload). */
function contentTypeOf(mimeType: string): string {
  return mimeType === 'text/plain' ? 'text/plain; charset=utf-8' : mimeType;
}

/**
 * Downloads of one file (SPEC §7): a presigned URL, or the bytes streamed through the server with
 * single byte ranges. Whoever may see the file may download it (FileAccess 'read'); each download
 * is audited (`file.downloaded`) before the first byte leaves.
 */
@Injectable()
export class FileDownloads {
  private readonly logger = new Logger(FileDownloads.name);
  private readonly urlSeconds: number;

  constructor(
    private readonly access: FileAccess,
    private readonly storage: StorageService,
    private readonly audit: AuditService,
    config: ConfigService<AppConfig, true>,
  ) {
    this.urlSeconds = config.get('storage', { infer: true }).presignedDownloadSeconds;
  }

  async downloadUrl(caller: AuthUser, fileId: string): Promise<DownloadUrlDto> {
    const { file, application } = await this.access.findWithApplication(caller, fileId, 'read');
    const url = await this.storage
      .presignGet(file.filePath, { filename: downloadName(file), contentType: file.mimeType })
      .catch((error: unknown) => {
        throw storageUnavailable(this.logger, error, 'presigning a download');
      });
    await this.recordDownload(file, application, { via: 'url' });
    return { download_url: url, expires_in: this.urlSeconds };
  }

  /**
   * The file's bytes, or the one range `rangeHeader` asks for (206; past the end 416; a header
   * not understood is ignored: 200). Everything that can fail cleanly has happened on return.
   */
  /**
   * The bytes of a file (or one range of them), audited. For `HEAD` only the answer's headers:
   * no object is read and nothing is audited (nothing was downloaded).
   */
  async content(
    caller: AuthUser,
    fileId: string,
    rangeHeader: string | undefined,
    method: 'GET' | 'HEAD' = 'GET',
  ): Promise<StreamedAnswer> {
    const { file, application } = await this.access.findWithApplication(caller, fileId, 'read');
    const size = Number(file.fileSize);
    const range = parseByteRange(rangeHeader, size);
    if (range.kind === 'unsatisfiable') {
      throw new ProblemException(
        HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
        `The range "${rangeHeader}" lies outside the file (${size} bytes).`,
        { headers: { 'Content-Range': contentRange(range, size) } },
      );
    }
    const partial = range.kind === 'partial';
    const answer = (length: number, body: Readable): StreamedAnswer => ({
      status: partial ? HttpStatus.PARTIAL_CONTENT : HttpStatus.OK,
      headers: {
        'Content-Type': contentTypeOf(file.mimeType),
        'Content-Length': String(length),
        'Content-Disposition': attachmentDisposition(downloadName(file)),
        'X-Content-Type-Options': 'nosniff',
        'Accept-Ranges': 'bytes',
        // Documents are personal data: no shared cache keeps them.
        'Cache-Control': 'private, no-store',
        ...(partial ? { 'Content-Range': contentRange(range, size) } : {}),
      },
      body,
    });
    if (method === 'HEAD') {
      return answer(partial ? range.end - range.start + 1 : size, Readable.from([]));
    }
    const object = await this.storage
      .getStream(file.filePath, partial ? `bytes=${range.start}-${range.end}` : undefined)
      .catch((error: unknown) => {
        throw storageUnavailable(this.logger, error, 'reading a file');
      });
    if (!object) throw objectMissing(this.logger, file);
    try {
      await this.recordDownload(file, application, {
        via: 'content',
        ...(partial ? { range: `${range.start}-${range.end}` } : {}),
      });
    } catch (error) {
      object.body.destroy();
      throw error;
    }
    return answer(object.size, object.body);
  }

  private recordDownload(
    file: StoredFile,
    application: DocumentApplication | null,
    details: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.record({
      action: 'file.downloaded',
      entityType: 'file',
      entityId: file.id,
      branchId: application?.branchId ?? null,
      departmentId: application?.departmentId ?? null,
      details: { ...details, application_id: file.applicationId },
    });
  }
}
