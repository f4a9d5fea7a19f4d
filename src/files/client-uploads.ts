import { HttpStatus, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, FindOptionsWhere } from 'typeorm';
import type { AuthUser } from '../common/auth/auth-user';
import { ProblemException } from '../common/http/problem';
import type { AppConfig, StorageConfig } from '../config/app-config';
import { FileRecords } from './file-records';
import { StoredFile } from './stored-file.entity';
import { UploadIntent } from './upload-intent.entity';
import { BUSY, UploadLocks } from './upload-locks';

/**
 * What the two paths where a client writes straight to storage (presigned, chunked) share: the
 * limits, their intents, one request at a time per key, and "check, then record — or delete".
 */
@Injectable()
export class ClientUploads {
  readonly config: StorageConfig;

  constructor(
    config: ConfigService<AppConfig, true>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly locks: UploadLocks,
    private readonly records: FileRecords,
  ) {
    this.config = config.get('storage', { infer: true });
  }

  findIntent(where: FindOptionsWhere<UploadIntent>): Promise<UploadIntent | null> {
    return this.dataSource.getRepository(UploadIntent).findOneBy(where);
  }

  /** Whether `caller` recorded a file at `key` (a finalized key). */
  recordedBy(caller: AuthUser, key: string): Promise<boolean> {
    return this.dataSource
      .getRepository(StoredFile)
      .existsBy({ filePath: key, uploadedBy: caller.id });
  }

  /** Runs `work` as the only request on `key`; 409 while another one is. */
  async exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const result = await this.locks.withKey(key, work);
    if (result === BUSY) {
      throw new ProblemException(
        HttpStatus.CONFLICT,
        'This upload is being finished by another request; try again in a moment.',
        { type: 'concurrent-update' },
      );
    }
    return result;
  }

  /**
   * Runs the checks and the recording of the object at `key`: when anything fails, the object
   * and its intent are deleted (FileRecords.record has done so already when it failed itself;
   * deleting again is harmless).
   */
  async recordOrDiscard<T>(key: string, work: (records: FileRecords) => Promise<T>): Promise<T> {
    try {
      return await work(this.records);
    } catch (error) {
      await this.records.discardObject(key);
      throw error;
    }
  }
}
