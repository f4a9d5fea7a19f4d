import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import archiver from 'archiver';
import { Readable } from 'node:stream';
import { ApplicationAccess } from '../applications/application-access';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../common/auth/auth-user';
import { FolderLookup } from '../folders/folder-lookup';
import { type ObjectStream, StorageService } from '../storage/storage.service';
import { downloadName, folderPaths, uniqueEntryNames } from './download-names';
import { storageUnavailable } from './file-downloads';
import { FILE_KINDS } from './file-types';
import { StoredFile } from './stored-file.entity';

/** Types worth compressing; the others (images, PDF, Office zips) are stored as they are. */
const COMPRESSIBLE: readonly string[] = [
  FILE_KINDS.txt.mime,
  FILE_KINDS.doc.mime,
  FILE_KINDS.xls.mime,
];

const archiveName = (applicationId: string) => `application-${applicationId}-documents.zip`;

export interface DocumentsArchive {
  filename: string;
  fileCount: number;
  /** The ZIP, produced as it is read: one object is fetched at a time, when its turn comes. */
  stream: Readable;
}

/**
 * Every document of an application as one ZIP (`GET /applications/{id}/documents.zip`), streamed:
 * no temp file, no archive in memory, each object opened only when the archiver reaches it and
 * read only as fast as the client takes the ZIP. Entries sit under their folder's path, named
 * like downloads and made unique. Audited once, as `application.documents_downloaded` with the
 * files' ids: one event for one act of the user, which still says which documents left. The
 * first object is opened before that event and before the answer starts: a store that does not
 * answer is a 503 `storage-unavailable` with nothing audited, not a 200 cut after its headers.
 */
@Injectable()
export class DocumentsZip {
  private readonly logger = new Logger(DocumentsZip.name);

  constructor(
    private readonly applications: ApplicationAccess,
    private readonly folders: FolderLookup,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly storage: StorageService,
    private readonly audit: AuditService,
  ) {}

  /** The archive's name, once the caller may read the application (for HEAD: nothing read). */
  async filename(caller: AuthUser, applicationId: string): Promise<string> {
    await this.applications.check(caller, applicationId, 'read');
    return archiveName(applicationId);
  }

  async open(caller: AuthUser, applicationId: string): Promise<DocumentsArchive> {
    const application = await this.applications.check(caller, applicationId, 'read');
    const [files, folders] = await Promise.all([
      this.txHost.tx.getRepository(StoredFile).find({
        select: {
          id: true,
          filename: true,
          originalFilename: true,
          displayName: true,
          filePath: true,
          mimeType: true,
          folderId: true,
          createdAt: true,
        },
        where: { applicationId },
        order: { createdAt: 'ASC', id: 'ASC' },
      }),
      this.folders.ofApplication(applicationId),
    ]);
    const paths = folderPaths(folders);
    const names = uniqueEntryNames(
      files.map((file) => ({
        name: downloadName(file),
        folderPath: file.folderId ? (paths.get(file.folderId) ?? null) : null,
      })),
    );
    const first =
      files.length === 0
        ? undefined
        : await this.storage.getStream(files[0].filePath).catch((error: unknown) => {
            throw storageUnavailable(this.logger, error, 'reading a document for a ZIP');
          });
    const unread = () => void first?.body.destroy();
    await this.audit
      .record({
        action: 'application.documents_downloaded',
        entityType: 'application',
        entityId: applicationId,
        branchId: application.branchId,
        departmentId: application.departmentId,
        details: { file_count: files.length, file_ids: files.map((file) => file.id) },
      })
      .catch((error: unknown) => {
        unread();
        throw error;
      });
    const archive = archiver('zip', { zlib: { level: 1 } });
    const sources = files.map((file, index) =>
      this.objectWhenRead(file, index === 0 ? () => Promise.resolve(first) : undefined),
    );
    // archiver does not listen to its sources' errors: a failed object fails the archive (the
    // controller's pipeline then cuts the connection). A client that goes away destroys the
    // archive: the object being read is let go too.
    sources.forEach((source) => source.on('error', (error) => archive.destroy(error)));
    archive.once('close', () => {
      sources.forEach((source) => source.destroy());
      // Opened above; if the archive never reached it, its connection is let go here.
      unread();
    });
    files.forEach((file, index) => {
      archive.append(sources[index], {
        name: names[index],
        date: file.createdAt,
        store: !COMPRESSIBLE.includes(file.mimeType),
      });
    });
    // Errors surface on the stream (the controller's pipeline), not on this promise.
    archive.finalize().catch(() => undefined);
    return {
      filename: archiveName(applicationId),
      fileCount: files.length,
      stream: archive,
    };
  }

  /**
   * The object's bytes, fetched only when first read (the archiver reads entries in turn), or
   * taken from `opened` (the first object, opened beforehand).
   */
  private objectWhenRead(
    file: StoredFile,
    opened?: () => Promise<ObjectStream | undefined>,
  ): Readable {
    const storage = this.storage;
    const logger = this.logger;
    return Readable.from(
      (async function* () {
        const object = await (opened ? opened() : storage.getStream(file.filePath));
        if (!object) {
          logger.error({ fileId: file.id, key: file.filePath }, 'a file row has no object');
          throw new Error(`The object of file ${file.id} is missing`);
        }
        // Leaving the loop early (the client went away) destroys the object's stream.
        for await (const chunk of object.body) yield chunk as Buffer;
      })(),
      { objectMode: false },
    );
  }
}
