/**
 * Documents for the e2e suites that need files without going through an upload route: a `files`
 * row written through the test app's DataSource and its bytes put with the app's StorageService
 * (the same bucket the server reads), so that downloads, thumbnails, listings and deletes have
 * something real to work on.
 */
import { createHash } from 'node:crypto';
import type { Test } from 'supertest';
import { extensionOf } from '../../src/files/file-names';
import { newObjectKey } from '../../src/files/object-keys';
import { StoredFile } from '../../src/files/stored-file.entity';
import type { TestApp } from './test-app';

export interface StoreFileOptions {
  /** The uploader (`uploaded_by`, and the user part of an unattached file's key). */
  uploadedBy: string;
  /** The file's bytes. */
  bytes: Buffer;
  /** The client's name, kept as `original_filename` (its extension is the key's). */
  name: string;
  /** The sniffed type the server would have stored. */
  mimeType: string;
  applicationId?: string | null;
  folderId?: string | null;
  displayName?: string | null;
  documentType?: string | null;
  /** Computed from the bytes unless given; null as a chunked upload leaves it for a while. */
  sha256?: string | null;
  /** Write the row only (a row whose object is missing). */
  withoutObject?: boolean;
}

/** The row of a stored document, as the server's entity reads it. */
export async function storeFile(t: TestApp, options: StoreFileOptions): Promise<StoredFile> {
  const applicationId = options.applicationId ?? null;
  const folderId = options.folderId ?? null;
  const key = newObjectKey(
    { userId: options.uploadedBy, applicationId, folderId },
    extensionOf(options.name),
  );
  if (!options.withoutObject) await t.storage.putBuffer(key, options.bytes, options.mimeType);
  const files = t.dataSource.getRepository(StoredFile);
  return files.save(
    files.create({
      filename: key.slice(key.lastIndexOf('/') + 1),
      originalFilename: options.name,
      displayName: options.displayName ?? null,
      filePath: key,
      fileSize: String(options.bytes.length),
      mimeType: options.mimeType,
      sha256:
        options.sha256 === undefined
          ? createHash('sha256').update(options.bytes).digest('hex')
          : options.sha256,
      documentType: options.documentType ?? null,
      uploadedBy: options.uploadedBy,
      applicationId,
      folderId,
    }),
  );
}

/** The ids and names of an application's folders (its three default ones at first). */
export async function foldersOf(
  t: TestApp,
  applicationId: string,
): Promise<{ id: string; name: string; parent_id: string | null }[]> {
  return t.dataSource.query(
    'SELECT id, name, parent_id FROM folders WHERE application_id = $1 ORDER BY name',
    [applicationId],
  );
}

/** Reads a binary answer (a file, a ZIP, an image) into `res.body` as a Buffer. */
export function binary(request: Test): Test {
  return request.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });
}
