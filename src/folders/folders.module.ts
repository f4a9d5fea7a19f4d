import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { APPLICATION_FOLDERS } from '../applications/application-documents';
import { ApplicationAccessModule } from '../applications/application-access';
import { FoldersController } from './folders.controller';
import { FoldersForApplications } from './folders-for-applications';
import { FoldersService } from './folders.service';

/**
 * Folders of documents (SPEC §7): the folders routes, and what applications ask of folders
 * (APPLICATION_FOLDERS). Imports the applications' access check; what a folder holds is the
 * files module's answer (FOLDER_CONTENTS, folder-contents.ts), wired by `forRoot`.
 */
@Module({
  imports: [ApplicationAccessModule],
  controllers: [FoldersController],
  providers: [
    FoldersService,
    FoldersForApplications,
    { provide: APPLICATION_FOLDERS, useExisting: FoldersForApplications },
  ],
  exports: [APPLICATION_FOLDERS],
})
export class FoldersModule {
  /**
   * `imports`: the module that provides FOLDER_CONTENTS (the files module's
   * FolderContentsModule), which folders do not import themselves (app.module.ts wires it).
   */
  static forRoot(options: { imports: NonNullable<ModuleMetadata['imports']> }): DynamicModule {
    return { module: FoldersModule, imports: options.imports };
  }
}
