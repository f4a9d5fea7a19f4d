import { Injectable, Module } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { FolderLookup } from './folder-lookup';
import { FOLDERS_NAMING_USER, type RecordsNamingUser } from '../users/records-naming-user';

/** What users asks of folders (users/records-naming-user.ts). */
@Injectable()
export class FoldersForUsers implements RecordsNamingUser {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Created one; through folders_created_by_idx. */
  async namesUser(userId: string): Promise<boolean> {
    const [row] = await this.txHost.tx.query<{ found: boolean }[]>(
      'SELECT EXISTS (SELECT 1 FROM folders WHERE created_by = $1) AS found',
      [userId],
    );
    return row.found;
  }
}

/**
 * The read-only lookups of folders that lower or sibling modules use: FOLDERS_NAMING_USER for
 * users, FolderLookup for files. No routes, no imports of other domain modules.
 */
@Module({
  providers: [
    FoldersForUsers,
    { provide: FOLDERS_NAMING_USER, useExisting: FoldersForUsers },
    FolderLookup,
  ],
  exports: [FOLDERS_NAMING_USER, FolderLookup],
})
export class FolderLookupsModule {}
