import { HttpStatus, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ApplicationAccess, type DocumentApplication } from '../applications/application-access';
import { type DocumentAction, mayActOnUnattached } from '../applications/document-rules';
import type { AuthUser } from '../common/auth/auth-user';
import type { SqlCondition } from '../common/auth/record-scope';
import { ProblemException } from '../common/http/problem';
import { StoredFile } from './stored-file.entity';

/**
 * Which files a caller may see and act on: a file of an application goes with the application
 * (ApplicationAccess: scope, then document-rules.ts); one without an application is its
 * uploader's and the admins' (others get 404, as if it did not exist).
 */
@Injectable()
export class FileAccess {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly applications: ApplicationAccess,
  ) {}

  /**
   * The file if the caller may do `action` to it: 404 when it does not exist or is out of
   * scope, 403/409 as the application's document rules say. With `lock`, the file row is locked
   * FOR UPDATE and its application FOR SHARE until the caller's transaction ends.
   */
  async find(
    caller: AuthUser,
    fileId: string,
    action: DocumentAction,
    options: { lock?: boolean } = {},
  ): Promise<StoredFile> {
    return (await this.findWithApplication(caller, fileId, action, options)).file;
  }

  /** As `find`, with the file's application (null when unattached), e.g. for audit events. */
  async findWithApplication(
    caller: AuthUser,
    fileId: string,
    action: DocumentAction,
    options: { lock?: boolean } = {},
  ): Promise<{ file: StoredFile; application: DocumentApplication | null }> {
    const qb = this.txHost.tx
      .getRepository(StoredFile)
      .createQueryBuilder('f')
      .where('f.id = :fileId', { fileId });
    if (options.lock) qb.setLock('pessimistic_write');
    const file = await qb.getOne();
    if (!file) throw notFound(fileId);
    if (!file.applicationId) {
      if (mayActOnUnattached(caller, file.uploadedBy) === 'hidden') throw notFound(fileId);
      return { file, application: null };
    }
    try {
      return {
        file,
        application: await this.applications.check(caller, file.applicationId, action, options),
      };
    } catch (error) {
      // The application's 404 would name the application: name the file instead.
      if (error instanceof ProblemException && error.getStatus() === 404) throw notFound(fileId);
      throw error;
    }
  }

  /** The files the caller may see, as a condition on the files aliased `alias`. */
  visibleCondition(caller: AuthUser, alias: string): SqlCondition | null {
    if (caller.role === 'admin') return null;
    const inScope = this.applications.scopeCondition(caller, `${alias}.application_id`);
    const own = `(${alias}.application_id IS NULL AND ${alias}.uploaded_by = :fileAccessUser)`;
    return {
      sql: inScope ? `(${alias}.application_id IS NOT NULL AND ${inScope.sql} OR ${own})` : own,
      params: { ...inScope?.params, fileAccessUser: caller.id },
    };
  }
}

function notFound(fileId: string): ProblemException {
  return new ProblemException(HttpStatus.NOT_FOUND, `File ${fileId} was not found.`);
}
