import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type {
  ApplicationFiles,
  DocumentTypeCount,
  FilesCleanup,
} from '../applications/application-documents';
import { StorageService } from '../storage/storage.service';
import { objectKeysOf } from './object-keys';
import { StoredFile } from './stored-file.entity';

/** The files of applications, as the applications module asks for them (APPLICATION_FILES). */
@Injectable()
export class FilesForApplications implements ApplicationFiles {
  private readonly logger = new Logger(FilesForApplications.name);

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly storage: StorageService,
  ) {}

  private get files() {
    return this.txHost.tx.getRepository(StoredFile);
  }

  countFilesByType(applicationId: string): Promise<DocumentTypeCount[]> {
    return this.files
      .createQueryBuilder('f')
      .select('f.documentType', 'document_type')
      .addSelect('count(*)::int', 'count')
      .where('f.applicationId = :applicationId', { applicationId })
      .andWhere('f.documentType IS NOT NULL')
      .groupBy('f.documentType')
      .getRawMany();
  }

  async deleteFilesOf(applicationId: string): Promise<FilesCleanup> {
    const keys = (
      await this.files.find({ select: { filePath: true }, where: { applicationId } })
    ).map((file) => file.filePath);
    if (keys.length) await this.files.delete({ applicationId });
    return {
      count: keys.length,
      deleteObjects: async () => {
        if (keys.length === 0) return;
        await this.storage.deleteMany(keys.flatMap(objectKeysOf)).catch((error: unknown) => {
          this.logger.error(
            { err: error, applicationId },
            'could not delete the objects of a deleted application',
          );
        });
      },
    };
  }
}
