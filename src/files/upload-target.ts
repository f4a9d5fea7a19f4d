import { HttpStatus, Injectable } from '@nestjs/common';
import { ApplicationAccess, type DocumentApplication } from '../applications/application-access';
import { mayActOnUnattached } from '../applications/document-rules';
import type { AuthUser } from '../common/auth/auth-user';
import { ProblemException, ValidationProblem } from '../common/http/problem';
import { FolderLookup } from '../folders/folder-lookup';
import { SettingsService } from '../settings/settings.service';

/** Where a client asks a new file to go (all optional). */
export interface UploadTargetRequest {
  application_id?: string | null;
  folder_id?: string | null;
  document_type?: string | null;
}

/** Where a new file goes, checked: the caller may put a file there. */
export interface UploadTarget {
  userId: string;
  applicationId: string | null;
  folderId: string | null;
  documentType: string | null;
  /** The application, when the file goes into one (for the audit event's scope). */
  application: DocumentApplication | null;
}

/**
 * Checks where a new file may go (issue 11, "who may do what"): into an application the caller
 * may change documents of (ApplicationAccess: 404 out of scope, 403 wrong actor, 409 decided),
 * into a folder of that application (a folder of another application is 422; a folder alone
 * brings its application), with a document type of `catalog.document_types` (422). A folder
 * without an application is its creator's and the admins'. Used by every upload path: direct,
 * presigned (when the URL is asked for and again at finalize) and chunked.
 */
@Injectable()
export class UploadTargets {
  constructor(
    private readonly applications: ApplicationAccess,
    private readonly folders: FolderLookup,
    private readonly settings: SettingsService,
  ) {}

  /**
   * With `lock`, the application is locked FOR SHARE and the folder FOR SHARE until the caller's
   * transaction ends (the file row is written in it), so neither a decision nor a folder
   * deletion can slip in between.
   */
  async resolve(
    caller: AuthUser,
    request: UploadTargetRequest,
    options: { lock?: boolean } = {},
  ): Promise<UploadTarget> {
    const documentType = await this.checkDocumentType(request.document_type ?? null);
    let applicationId = request.application_id ?? null;
    let folderId: string | null = null;
    if (request.folder_id) {
      const folder = await this.folders.find(request.folder_id, options);
      if (!folder) throw folderNotFound(request.folder_id);
      if (applicationId && folder.applicationId !== applicationId) {
        throw new ValidationProblem(
          [{ loc: ['folder_id'], msg: 'belongs to another application', type: 'value_error' }],
          `Folder ${folder.id} does not belong to application ${applicationId}.`,
        );
      }
      if (!folder.applicationId && mayActOnUnattached(caller, folder.createdBy) === 'hidden') {
        throw folderNotFound(folder.id);
      }
      applicationId = folder.applicationId;
      folderId = folder.id;
    }
    const application = applicationId
      ? await this.applications
          .check(caller, applicationId, 'change', options)
          .catch((error: unknown) => {
            // A folder's application out of scope: say the folder was not found.
            if (folderId && error instanceof ProblemException && error.getStatus() === 404) {
              throw folderNotFound(folderId);
            }
            throw error;
          })
      : null;
    return { userId: caller.id, applicationId, folderId, documentType, application };
  }

  private async checkDocumentType(documentType: string | null): Promise<string | null> {
    if (documentType === null || documentType === '') return null;
    const allowed = await this.settings.catalogValues('document_types');
    if (!allowed.includes(documentType)) {
      throw new ValidationProblem(
        [
          {
            loc: ['document_type'],
            msg: `must be one of ${allowed.join(', ')}`,
            type: 'value_error',
          },
        ],
        `document_type must be one of catalog.document_types: ${allowed.join(', ')}.`,
      );
    }
    return documentType;
  }
}

function folderNotFound(folderId: string): ProblemException {
  return new ProblemException(HttpStatus.NOT_FOUND, `Folder ${folderId} was not found.`);
}
