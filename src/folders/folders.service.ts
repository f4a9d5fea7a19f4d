import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { QueryFailedError } from 'typeorm';
import { ApplicationAccess, type DocumentApplication } from '../applications/application-access';
import type { FilesCleanup } from '../applications/application-documents';
import { type DocumentAction, mayActOnUnattached } from '../applications/document-rules';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../common/auth/auth-user';
import type { SqlCondition } from '../common/auth/record-scope';
import { assertIfMatch, type IfMatch } from '../common/http/etag';
import { ProblemException, ValidationProblem } from '../common/http/problem';
import { type FolderDto, toFolderDto } from './dto/folder.dto';
import type { ListFoldersQuery } from './dto/folder-queries.dto';
import type { CreateFolderDto, UpdateFolderDto } from './dto/folder-write.dto';
import { FOLDER_CONTENTS, type FolderContents } from './folder-contents';
import { isInSubtree, lockSubtree, lockTreeForMoves } from './folder-queries';
import { Folder } from './folder.entity';

/** `GET /folders` answers at most this many folders (a plain array: no pages). */
export const MAX_LISTED_FOLDERS = 500;

const SIBLING_NAME_KEY = 'folders_sibling_name_key';

/** A folder the caller may act on, with its application (null for a folder of no application). */
interface FolderInReach {
  folder: Folder;
  application: DocumentApplication | null;
}

/**
 * Folders of documents (SPEC §7, issue 11 item 9). A folder of an application goes with the
 * application: visible to whoever may see it, changed and deleted as its documents are
 * (ApplicationAccess + document-rules.ts, the application locked FOR SHARE in the write's
 * transaction); a folder of no application is its creator's and the admins'. Out of reach is
 * 404. The files a folder holds are the files module's (FOLDER_CONTENTS).
 */
@Injectable()
export class FoldersService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly applications: ApplicationAccess,
    private readonly audit: AuditService,
    @Inject(FOLDER_CONTENTS) private readonly contents: FolderContents,
  ) {}

  private get folders() {
    return this.txHost.tx.getRepository(Folder);
  }

  // --- reads ---------------------------------------------------------------------------------

  /** Root folders (or the sub-folders of `parent_id`) the caller may see, by name; capped. */
  async list(caller: AuthUser, query: ListFoldersQuery): Promise<FolderDto[]> {
    const qb = this.folders.createQueryBuilder('fo');
    const visible = this.visibleCondition(caller, 'fo');
    if (visible) qb.andWhere(visible.sql, visible.params);
    if (query.parent_id) qb.andWhere('fo.parent_id = :parentId', { parentId: query.parent_id });
    else qb.andWhere('fo.parent_id IS NULL');
    if (query.application_id) {
      qb.andWhere('fo.application_id = :applicationId', { applicationId: query.application_id });
    }
    if (query.updated_since) {
      qb.andWhere('fo.updated_at >= :updatedSince', { updatedSince: query.updated_since });
    }
    const rows = await qb
      .orderBy('lower(fo.name)', 'ASC')
      .addOrderBy('fo.id', 'ASC')
      .limit(MAX_LISTED_FOLDERS)
      .getMany();
    return this.withFileCounts(rows);
  }

  async get(caller: AuthUser, id: string): Promise<FolderDto> {
    const { folder } = await this.findInReach(caller, id, 'read');
    return (await this.withFileCounts([folder]))[0];
  }

  // --- writes --------------------------------------------------------------------------------

  /**
   * A new folder: inside `parent_id` (taking its application; another `application_id` is
   * 422), at the root of `application_id`, or at the root of the caller's own folders.
   */
  create(caller: AuthUser, body: CreateFolderDto): Promise<FolderDto> {
    return this.txHost.withTransaction(async () => {
      let applicationId = body.application_id ?? null;
      let parentId: string | null = null;
      if (body.parent_id) {
        const { folder: parent } = await this.findInReach(caller, body.parent_id, 'read');
        if (body.application_id && parent.applicationId !== body.application_id) {
          throw anotherApplication('parent_id', parent.id, body.application_id);
        }
        applicationId = parent.applicationId;
        parentId = parent.id;
      }
      const application = applicationId
        ? await this.applications.check(caller, applicationId, 'change', { lock: true })
        : null;
      const folder = await this.saveUnique(
        this.folders.create({ name: body.name, parentId, applicationId, createdBy: caller.id }),
      );
      await this.audit.record({
        action: 'folder.created',
        entityType: 'folder',
        entityId: folder.id,
        branchId: application?.branchId ?? null,
        departmentId: application?.departmentId ?? null,
        details: { name: folder.name, parent_id: parentId, application_id: applicationId },
      });
      return toFolderDto(folder, 0);
    });
  }

  /** Renames and/or moves a folder within its application; nothing changed writes nothing. */
  update(
    caller: AuthUser,
    id: string,
    body: UpdateFolderDto,
    ifMatch?: IfMatch,
  ): Promise<FolderDto> {
    return this.txHost.withTransaction(async () => {
      const { folder, application } = await this.findInReach(caller, id, 'change', {
        lock: true,
      });
      assertIfMatch(ifMatch, folder.version);
      const details: Record<string, { from: string | null; to: string | null }> = {};
      if (body.name !== undefined && body.name !== folder.name) {
        details.name = { from: folder.name, to: body.name };
        folder.name = body.name;
      }
      if (body.parent_id !== undefined && body.parent_id !== folder.parentId) {
        await this.checkMove(caller, folder, body.parent_id);
        details.parent_id = { from: folder.parentId, to: body.parent_id };
        folder.parentId = body.parent_id;
      }
      if (Object.keys(details).length === 0) return (await this.withFileCounts([folder]))[0];
      const saved = await this.saveUnique(folder);
      await this.audit.record({
        action: 'folder.updated',
        entityType: 'folder',
        entityId: folder.id,
        branchId: application?.branchId ?? null,
        departmentId: application?.departmentId ?? null,
        details: { ...details, application_id: folder.applicationId },
      });
      return (await this.withFileCounts([saved]))[0];
    });
  }

  /**
   * Deletes an empty folder, or with `recursive` its whole subtree with the files in it; their
   * objects and thumbnails are deleted once the transaction has committed (a failure is logged
   * and leaves objects without rows, never rows without objects).
   */
  async delete(caller: AuthUser, id: string, recursive: boolean): Promise<void> {
    const cleanup = await this.txHost.withTransaction(async (): Promise<FilesCleanup> => {
      const { folder, application } = await this.findInReach(caller, id, 'delete', {
        lock: true,
      });
      if (folder.isDefault) {
        throw new ProblemException(
          HttpStatus.CONFLICT,
          `"${folder.name}" is one of the folders every application has: it can be renamed, not deleted.`,
        );
      }
      const tree = await lockSubtree(this.txHost.tx, folder.id);
      const ids = tree.map((row) => row.id);
      const fileCounts = await this.contents.countFiles(ids);
      if (!recursive) {
        const files = fileCounts.get(folder.id) ?? 0;
        const subfolders = tree.filter((row) => row.parent_id === folder.id).length;
        if (files > 0 || subfolders > 0) throw notEmpty(files, subfolders);
      }
      const files = await this.contents.deleteFilesIn(ids);
      // Its sub-folders go with it (ON DELETE CASCADE).
      await this.folders.delete({ id: folder.id });
      await this.audit.record({
        action: 'folder.deleted',
        entityType: 'folder',
        entityId: folder.id,
        branchId: application?.branchId ?? null,
        departmentId: application?.departmentId ?? null,
        details: {
          name: folder.name,
          parent_id: folder.parentId,
          application_id: folder.applicationId,
          recursive,
          folder_count: ids.length - 1,
          file_count: files.count,
        },
      });
      return files;
    });
    await cleanup.deleteObjects();
  }

  // --- helpers -------------------------------------------------------------------------------

  /**
   * The folder if the caller may do `action` to it (404 out of reach; 403/409 as the documents'
   * rules say). With `lock`, its application is locked FOR SHARE and then the folder FOR NO KEY
   * UPDATE until the transaction ends: the application first, in the order an application's
   * deletion takes them, and a lock that still lets files and sub-folders point at the folder.
   */
  private async findInReach(
    caller: AuthUser,
    id: string,
    action: DocumentAction,
    options: { lock?: boolean } = {},
  ): Promise<FolderInReach> {
    const folder = await this.folders.findOneBy({ id });
    if (!folder) throw folderNotFound(id);
    let application: DocumentApplication | null = null;
    if (folder.applicationId) {
      application = await this.applications
        .check(caller, folder.applicationId, action, options)
        .catch((error: unknown) => {
          // The application's 404 would name the application: name the folder instead.
          if (error instanceof ProblemException && error.getStatus() === 404) {
            throw folderNotFound(id);
          }
          throw error;
        });
    } else if (mayActOnUnattached(caller, folder.createdBy) === 'hidden') {
      throw folderNotFound(id);
    }
    if (!options.lock) return { folder, application };
    // A folder never changes application, so the check above still holds for the locked row.
    const locked = await this.folders
      .createQueryBuilder('fo')
      .where('fo.id = :id', { id })
      .setLock('for_no_key_update')
      .getOne();
    if (!locked) throw folderNotFound(id);
    return { folder: locked, application };
  }

  /**
   * A move of `folder` under `parentId` (null: the root of its tree): the new parent must be in
   * the caller's reach (404), of the same application (422) and not in the folder's subtree
   * (409 folder-cycle, a recursive walk up from the new parent).
   */
  private async checkMove(caller: AuthUser, folder: Folder, parentId: string | null) {
    if (parentId === null) return;
    if (parentId === folder.id) throw cycle();
    const { folder: parent } = await this.findInReach(caller, parentId, 'read');
    if (parent.applicationId !== folder.applicationId) {
      throw anotherApplication('parent_id', parent.id, folder.applicationId);
    }
    await lockTreeForMoves(this.txHost.tx, folder.applicationId);
    if (await isInSubtree(this.txHost.tx, folder.id, parent.id)) throw cycle();
  }

  /** Saves `folder`; a sibling with the same name (ignoring case) is 409. */
  private async saveUnique(folder: Folder): Promise<Folder> {
    try {
      return await this.folders.save(folder);
    } catch (error) {
      if (isUniqueViolation(error, SIBLING_NAME_KEY)) {
        throw new ProblemException(
          HttpStatus.CONFLICT,
          `A folder named "${folder.name}" already exists here (names are compared ignoring case); choose another name.`,
          { type: 'duplicate', extensions: { fields: ['name'] } },
        );
      }
      throw error;
    }
  }

  /** The folders with their file counts: one grouped query for all of them. */
  private async withFileCounts(folders: Folder[]): Promise<FolderDto[]> {
    const counts = await this.contents.countFiles(folders.map((folder) => folder.id));
    return folders.map((folder) => toFolderDto(folder, counts.get(folder.id) ?? 0));
  }

  /** The folders the caller may see, as a condition on the folders aliased `alias`. */
  private visibleCondition(caller: AuthUser, alias: string): SqlCondition | null {
    if (caller.role === 'admin') return null;
    const inScope = this.applications.scopeCondition(caller, `${alias}.application_id`);
    const own = `(${alias}.application_id IS NULL AND ${alias}.created_by = :folderOwner)`;
    return {
      sql: inScope ? `(${alias}.application_id IS NOT NULL AND ${inScope.sql} OR ${own})` : own,
      params: { ...inScope?.params, folderOwner: caller.id },
    };
  }
}

function folderNotFound(id: string): ProblemException {
  return new ProblemException(HttpStatus.NOT_FOUND, `Folder ${id} was not found.`);
}

function cycle(): ProblemException {
  return new ProblemException(
    HttpStatus.CONFLICT,
    'A folder cannot move into itself or into one of its own sub-folders.',
    { type: 'folder-cycle' },
  );
}

function anotherApplication(
  field: string,
  folderId: string,
  applicationId: string | null,
): ValidationProblem {
  const where = applicationId ? `application ${applicationId}` : 'your own folders';
  return new ValidationProblem(
    [{ loc: ['body', field], msg: 'belongs to another application', type: 'value_error' }],
    `Folder ${folderId} does not belong to ${where}: folders stay within one application.`,
  );
}

function notEmpty(files: number, folders: number): ProblemException {
  const parts = [
    files ? `${files} file${files === 1 ? '' : 's'}` : '',
    folders ? `${folders} folder${folders === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  return new ProblemException(
    HttpStatus.CONFLICT,
    `The folder still holds ${parts.join(' and ')}; delete them first, or use recursive=true.`,
    { type: 'folder-not-empty', extensions: { file_count: files, folder_count: folders } },
  );
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === '23505' && driverError.constraint === constraint;
}
