/**
 * What applications ask of the modules that keep their documents: the default folders of a new
 * application, the document types it holds (the submit check), and the clean-up when a draft
 * is deleted. Declared here, provided by FoldersModule and FilesModule (src/folders,
 * src/files), wired in app.module.ts: applications import neither, so that they can import
 * the applications' access check.
 */

/** Provides ApplicationFolders. */
export const APPLICATION_FOLDERS = Symbol('APPLICATION_FOLDERS');

/** The folders of applications; each call runs in the caller's transaction. */
export interface ApplicationFolders {
  /** The folders every new application gets (SPEC §7). */
  createDefaultFolders(applicationId: string, createdBy: string): Promise<void>;
  /** Deletes every folder of an application (a draft being deleted). */
  deleteFoldersOf(applicationId: string): Promise<void>;
}

/** Provides ApplicationFiles. */
export const APPLICATION_FILES = Symbol('APPLICATION_FILES');

/** How many files of one document type an application has. */
export interface DocumentTypeCount {
  document_type: string;
  count: number;
}

/** What is left to do once the files of a deleted application are gone from the database. */
export interface FilesCleanup {
  /** How many files the application had. */
  count: number;
  /**
   * Deletes their stored objects; to call once the transaction committed, so that a failure
   * leaves objects without rows (logged, never thrown), never rows without objects.
   */
  deleteObjects(): Promise<void>;
}

/** The files of applications; each call runs in the caller's transaction. */
export interface ApplicationFiles {
  /** The document types of an application's files, with their counts (typed files only). */
  countFilesByType(applicationId: string): Promise<DocumentTypeCount[]>;
  /** Deletes every file row of an application (a draft being deleted). */
  deleteFilesOf(applicationId: string): Promise<FilesCleanup>;
}
