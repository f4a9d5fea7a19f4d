import { Module } from '@nestjs/common';
import { APPLICATION_FOLDERS } from '../applications/application-documents';
import { FoldersForApplications } from './folders-for-applications';

/** Folders of documents (SPEC §7). For now: what applications ask of them. */
@Module({
  providers: [
    FoldersForApplications,
    { provide: APPLICATION_FOLDERS, useExisting: FoldersForApplications },
  ],
  exports: [APPLICATION_FOLDERS],
})
export class FoldersModule {}
