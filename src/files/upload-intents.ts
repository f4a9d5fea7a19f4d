import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { DataSource } from 'typeorm';
import type { UploadTarget } from './upload-target';
import { UploadIntent, type UploadKind } from './upload-intent.entity';

/** What is known of an object key when it is handed out or about to be written. */
export interface NewIntent {
  kind: UploadKind;
  objectKey: string;
  target: Pick<UploadTarget, 'userId' | 'applicationId' | 'folderId' | 'documentType'>;
  originalFilename?: string | null;
  expectedSize?: number | null;
  expiresAt?: Date | null;
  s3UploadId?: string | null;
  partSize?: number | null;
}

/**
 * The upload intents (issue 11 "no orphans"): a row names every object key before its first byte
 * goes to storage, and is removed in the transaction that writes the file's row. What is left
 * after the body timeout (or a presigned/chunked upload's expiry) names an object nobody will
 * record: the clean-up job deletes it.
 */
@Injectable()
export class UploadIntents {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {}

  /**
   * Writes the intent in a transaction of its own, committed before it returns (never the
   * caller's: the object may be written before the caller's transaction ends, or without one).
   */
  async open(intent: NewIntent): Promise<UploadIntent> {
    const repository = this.dataSource.getRepository(UploadIntent);
    return repository.save(
      repository.create({
        kind: intent.kind,
        objectKey: intent.objectKey,
        userId: intent.target.userId,
        applicationId: intent.target.applicationId,
        folderId: intent.target.folderId,
        documentType: intent.target.documentType,
        originalFilename: intent.originalFilename ?? null,
        expectedSize: intent.expectedSize == null ? null : String(intent.expectedSize),
        expiresAt: intent.expiresAt ?? null,
        s3UploadId: intent.s3UploadId ?? null,
        partSize: intent.partSize == null ? null : String(intent.partSize),
      }),
    );
  }

  /** The intent of a key handed out to `userId`, locked FOR UPDATE in the caller's transaction. */
  findForUpdate(objectKey: string, kind: UploadKind): Promise<UploadIntent | null> {
    return this.txHost.tx
      .getRepository(UploadIntent)
      .createQueryBuilder('i')
      .where('i.objectKey = :objectKey AND i.kind = :kind', { objectKey, kind })
      .setLock('pessimistic_write')
      .getOne();
  }

  /** Removes the intent in the caller's transaction: the one that writes the file's row. */
  async close(objectKey: string): Promise<void> {
    await this.txHost.tx.getRepository(UploadIntent).delete({ objectKey });
  }

  /** Removes the intent of an object that was deleted (or never written), on its own. */
  async discard(objectKey: string): Promise<void> {
    await this.dataSource.getRepository(UploadIntent).delete({ objectKey });
  }
}
