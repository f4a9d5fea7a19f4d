import { Module } from '@nestjs/common';
import { APPLICATION_FILES } from '../applications/application-documents';
import { ApplicationAccessModule } from '../applications/application-access';
import { JobMetricsModule } from '../common/jobs/job-metrics';
import { FolderLookupsModule } from '../folders/folders-for-users';
import { SettingsModule } from '../settings/settings.module';
import { ClientUploads } from './client-uploads';
import { DocumentsZip } from './documents-zip';
import { FileAccess } from './file-access';
import { FileDownloads } from './file-downloads';
import { FileDownloadsController } from './file-downloads.controller';
import { FileUploadsController } from './file-uploads.controller';
import { FileRecords } from './file-records';
import { FileTotals } from './file-totals';
import { FilesController } from './files.controller';
import { FilesService } from './files.service';
import { FilesForApplications } from './files-for-applications';
import { MultipartUploads } from './multipart-uploads';
import { PresignedUploads } from './presigned-uploads';
import { RenderGate } from './render-gate';
import { StorageJobs } from './storage-jobs';
import { Thumbnails } from './thumbnails';
import { UploadIntents } from './upload-intents';
import { UploadLocks } from './upload-locks';
import { UploadTargets } from './upload-target';

/**
 * Documents stored in S3 (SPEC §7, §8): uploads (direct, presigned, chunked), their metadata,
 * downloads and thumbnails. Imports the applications' access check and the folders' lookup;
 * provides what applications ask of files (APPLICATION_FILES).
 */
@Module({
  imports: [ApplicationAccessModule, FolderLookupsModule, SettingsModule, JobMetricsModule],
  controllers: [FileUploadsController, FilesController, FileDownloadsController],
  providers: [
    FilesService,
    FileAccess,
    UploadLocks,
    ClientUploads,
    PresignedUploads,
    MultipartUploads,
    StorageJobs,
    UploadTargets,
    UploadIntents,
    FileRecords,
    FilesForApplications,
    FileTotals,
    { provide: APPLICATION_FILES, useExisting: FilesForApplications },
    FileDownloads,
    DocumentsZip,
    Thumbnails,
    // One per instance; tests set small limits on it (RenderGate.setLimits).
    { provide: RenderGate, useFactory: () => new RenderGate() },
  ],
  exports: [APPLICATION_FILES, FileTotals],
})
export class FilesModule {}
