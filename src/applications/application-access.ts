import { HttpStatus, Injectable, Module } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { AuthUser } from '../common/auth/auth-user';
import { recordScopeOf, type SqlCondition } from '../common/auth/record-scope';
import { ProblemException } from '../common/http/problem';
import type { ApplicationStatus } from '../enums/code-enums';
import { CustomerApplication } from './application.entity';
import { applicationScopeCondition, isApplicationInScope } from './application-scope';
import { type DocumentAction, mayActOnDocuments } from './document-rules';

/** What the documents modules learn of an application they act on. */
export interface DocumentApplication {
  id: string;
  status: ApplicationStatus;
  /** The owning officer. */
  userId: string;
  /** Where it was captured (the audit events of its documents carry them, for scoped reading). */
  branchId: string | null;
  departmentId: string | null;
}

/**
 * The access check the documents modules (files, folders) import: whether the caller may see an
 * application and act on its documents (document-rules.ts), and the scope as SQL for their
 * lists. Applications never import those modules; they import this.
 */
@Injectable()
export class ApplicationAccess {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /**
   * The application if the caller may see it and do `action` to its documents: 404 out of
   * scope (or missing), 403 for the wrong actor, 409 when its status forbids it. With `lock`,
   * the row is locked FOR SHARE until the caller's transaction ends, so that a transition
   * cannot decide the application while its documents change.
   */
  async check(
    caller: AuthUser,
    applicationId: string,
    action: DocumentAction,
    options: { lock?: boolean } = {},
  ): Promise<DocumentApplication> {
    const qb = this.txHost.tx
      .getRepository(CustomerApplication)
      .createQueryBuilder('a')
      .select([
        'a.id',
        'a.status',
        'a.userId',
        'a.assignedReviewer',
        'a.branchId',
        'a.departmentId',
      ])
      .where('a.id = :applicationId', { applicationId });
    if (options.lock) qb.setLock('pessimistic_read');
    const row = await qb.getOne();
    if (!row || !isApplicationInScope(recordScopeOf(caller), row)) {
      throw new ProblemException(
        HttpStatus.NOT_FOUND,
        `Application ${applicationId} was not found.`,
      );
    }
    const allowed = mayActOnDocuments(caller, row, action);
    if (!allowed.ok) {
      throw new ProblemException(allowed.status, allowed.detail, {
        type: allowed.status === 409 ? 'documents-locked' : undefined,
        extensions: allowed.currentStatus ? { current_status: allowed.currentStatus } : undefined,
      });
    }
    return {
      id: row.id,
      status: row.status,
      userId: row.userId,
      branchId: row.branchId,
      departmentId: row.departmentId,
    };
  }

  /**
   * The condition that the application named by `applicationIdColumn` (e.g. `f.application_id`)
   * is in the caller's scope, for the documents' list queries; null when the caller sees every
   * application. Rows without an application are not covered: their rule is the uploader's.
   */
  scopeCondition(caller: AuthUser, applicationIdColumn: string): SqlCondition | null {
    const inScope = applicationScopeCondition(recordScopeOf(caller), 'scope_app', 'docScope');
    if (!inScope) return null;
    return {
      sql:
        `EXISTS (SELECT 1 FROM customer_applications scope_app ` +
        `WHERE scope_app.id = ${applicationIdColumn} AND ${inScope.sql})`,
      params: inScope.params,
    };
  }
}

/**
 * ApplicationAccess for the documents modules: a module of its own, without routes or other
 * imports, so that they import it and not ApplicationsModule.
 */
@Module({ providers: [ApplicationAccess], exports: [ApplicationAccess] })
export class ApplicationAccessModule {}
