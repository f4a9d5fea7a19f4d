/**
 * What folders ask of the files module: how many files a folder holds (`file_count`, the
 * "not empty" refusal) and the removal of the files of a subtree being deleted. Declared here,
 * provided by src/files/files-for-folders.ts, wired in app.module.ts (`FoldersModule.forRoot`):
 * folders never name the files table, and files import only FolderLookup of this module.
 */
import type { FilesCleanup } from '../applications/application-documents';

/** Provides FolderContents. */
export const FOLDER_CONTENTS = Symbol('FOLDER_CONTENTS');

/** Each call runs in the caller's transaction. */
export interface FolderContents {
  /** How many files each of `folderIds` holds directly (a folder without files is absent). */
  countFiles(folderIds: readonly string[]): Promise<Map<string, number>>;
  /**
   * Deletes the file rows of `folderIds`; the returned clean-up deletes their objects and
   * thumbnails once the transaction has committed.
   */
  deleteFilesIn(folderIds: readonly string[]): Promise<FilesCleanup>;
}
