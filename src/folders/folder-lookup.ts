import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Folder } from './folder.entity';

/** What the files module learns of a folder it puts a file in. */
export interface FolderRef {
  id: string;
  name: string;
  parentId: string | null;
  applicationId: string | null;
  createdBy: string | null;
}

/**
 * Folders as the files module reads them (exported by FolderLookupsModule): files never name
 * the folders table. Scope and rights are the caller's to check (an application's folder goes
 * with the application; one without an application is its creator's and the admins').
 */
@Injectable()
export class FolderLookup {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /**
   * The folder, or null. With `lock`, the row is locked FOR SHARE until the caller's transaction
   * ends, so that it cannot be deleted or moved while a file goes into it.
   */
  async find(folderId: string, options: { lock?: boolean } = {}): Promise<FolderRef | null> {
    const qb = this.txHost.tx
      .getRepository(Folder)
      .createQueryBuilder('f')
      .select(['f.id', 'f.name', 'f.parentId', 'f.applicationId', 'f.createdBy'])
      .where('f.id = :folderId', { folderId });
    if (options.lock) qb.setLock('pessimistic_read');
    const folder = await qb.getOne();
    return folder
      ? {
          id: folder.id,
          name: folder.name,
          parentId: folder.parentId,
          applicationId: folder.applicationId,
          createdBy: folder.createdBy,
        }
      : null;
  }

  /** Every folder of an application (for paths in its documents.zip), in one query. */
  async ofApplication(applicationId: string): Promise<FolderRef[]> {
    const folders = await this.txHost.tx
      .getRepository(Folder)
      .createQueryBuilder('f')
      .select(['f.id', 'f.name', 'f.parentId', 'f.applicationId', 'f.createdBy'])
      .where('f.applicationId = :applicationId', { applicationId })
      .getMany();
    return folders.map((folder) => ({
      id: folder.id,
      name: folder.name,
      parentId: folder.parentId,
      applicationId: folder.applicationId,
      createdBy: folder.createdBy,
    }));
  }
}
