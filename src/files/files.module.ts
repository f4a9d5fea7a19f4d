import { Module } from '@nestjs/common';
import { APPLICATION_FILES } from '../applications/application-documents';
import { FilesForApplications } from './files-for-applications';

/** Documents stored in S3 (SPEC §7). For now: what applications ask of them. */
@Module({
  providers: [
    FilesForApplications,
    { provide: APPLICATION_FILES, useExisting: FilesForApplications },
  ],
  exports: [APPLICATION_FILES],
})
export class FilesModule {}
