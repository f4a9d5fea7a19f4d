import { Injectable, Module } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { FILES_NAMING_USER, type RecordsNamingUser } from '../users/records-naming-user';

/** What users asks of files (users/records-naming-user.ts). */
@Injectable()
export class FilesForUsers implements RecordsNamingUser {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Uploaded one; through files_uploaded_by_idx. */
  async namesUser(userId: string): Promise<boolean> {
    const [row] = await this.txHost.tx.query<{ found: boolean }[]>(
      'SELECT EXISTS (SELECT 1 FROM files WHERE uploaded_by = $1) AS found',
      [userId],
    );
    return row.found;
  }
}

/**
 * Provides FILES_NAMING_USER until the files module exists; its providers belong in
 * FilesModule then.
 */
@Module({
  providers: [FilesForUsers, { provide: FILES_NAMING_USER, useExisting: FilesForUsers }],
  exports: [FILES_NAMING_USER],
})
export class FileLookupsModule {}
