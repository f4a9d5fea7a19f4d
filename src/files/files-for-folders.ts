import { Injectable, Logger, Module } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { FilesCleanup } from '../applications/application-documents';
import { FOLDER_CONTENTS, type FolderContents } from '../folders/folder-contents';
import { StorageService } from '../storage/storage.service';
import { objectKeysOf } from './object-keys';
import { StoredFile } from './stored-file.entity';

/** The files of folders, as the folders module asks for them (FOLDER_CONTENTS). */
@Injectable()
export class FilesForFolders implements FolderContents {
  private readonly logger = new Logger(FilesForFolders.name);

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly storage: StorageService,
  ) {}

  private get files() {
    return this.txHost.tx.getRepository(StoredFile);
  }

  /** One grouped query for every folder asked about (through files_folder_id_idx). */
  async countFiles(folderIds: readonly string[]): Promise<Map<string, number>> {
    if (folderIds.length === 0) return new Map();
    const rows = await this.files
      .createQueryBuilder('f')
      .select('f.folder_id', 'folder_id')
      .addSelect('count(*)::int', 'count')
      .where('f.folder_id IN (:...folderIds)', { folderIds })
      .groupBy('f.folder_id')
      .getRawMany<{ folder_id: string; count: number }>();
    return new Map(rows.map((row) => [row.folder_id, row.count]));
  }

  async deleteFilesIn(folderIds: readonly string[]): Promise<FilesCleanup> {
    const keys: string[] = [];
    if (folderIds.length > 0) {
      const result = await this.files
        .createQueryBuilder()
        .delete()
        .where('folder_id IN (:...folderIds)', { folderIds })
        .returning('file_path')
        .execute();
      keys.push(...(result.raw as { file_path: string }[]).map((row) => row.file_path));
    }
    return {
      count: keys.length,
      deleteObjects: async () => {
        if (keys.length === 0) return;
        // The originals and their thumbnails; a failure leaves objects without rows (logged),
        // which `npm run storage:check --fix` removes, never rows without objects.
        await this.storage.deleteMany(keys.flatMap(objectKeysOf)).catch((error: unknown) => {
          this.logger.error(
            { err: error, keys },
            'could not delete the objects of the files of a deleted folder',
          );
        });
      },
    };
  }
}

/**
 * FOLDER_CONTENTS for the folders module (app.module.ts wires it through
 * `FoldersModule.forRoot`): a module of its own, without routes or other imports, so that
 * folders get these answers without importing the files module.
 */
@Module({
  providers: [FilesForFolders, { provide: FOLDER_CONTENTS, useExisting: FilesForFolders }],
  exports: [FOLDER_CONTENTS],
})
export class FolderContentsModule {}
