import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { ApplicationFolders } from '../applications/application-documents';
import { DEFAULT_FOLDERS, Folder } from './folder.entity';

/** The folders of applications, as the applications module asks for them (APPLICATION_FOLDERS). */
@Injectable()
export class FoldersForApplications implements ApplicationFolders {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private get folders() {
    return this.txHost.tx.getRepository(Folder);
  }

  async createDefaultFolders(applicationId: string, createdBy: string): Promise<void> {
    await this.folders.insert(
      DEFAULT_FOLDERS.map((name) => ({ name, applicationId, createdBy, isDefault: true })),
    );
  }

  async deleteFoldersOf(applicationId: string): Promise<void> {
    // Sub-folders go with their parent (ON DELETE CASCADE).
    await this.folders.delete({ applicationId });
  }
}
