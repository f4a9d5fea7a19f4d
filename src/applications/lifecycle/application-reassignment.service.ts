import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditService } from '../../audit/audit.service';
import type { AuthUser } from '../../common/auth/auth-user';
import { recordScopeOf } from '../../common/auth/record-scope';
import { ValidationProblem } from '../../common/http/problem';
import { findUserSummary } from '../../users/user-queries';
import type { ReassignDto, ReassignResultDto } from '../dto/transition.dto';
import { lockOpenApplicationsOf, moveApplications } from './lifecycle-queries';

/**
 * Operator action (SPEC §4): moves an officer's open applications within the caller's scope to
 * another active officer the caller manages, one audit event per application. Their branch and
 * department stay (they are where the application was captured), and so does their creator.
 */
@Injectable()
export class ApplicationReassignment {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditService,
  ) {}

  async reassign(caller: AuthUser, body: ReassignDto): Promise<ReassignResultDto> {
    if (body.from_user_id === body.to_user_id) {
      throw new ValidationProblem([
        { loc: ['body', 'to_user_id'], msg: 'must differ from from_user_id', type: 'reassign' },
      ]);
    }
    return this.txHost.withTransaction(async () => {
      await this.assertManagedOfficer(caller, body.from_user_id, 'from_user_id');
      await this.assertManagedOfficer(caller, body.to_user_id, 'to_user_id');
      const manager = this.txHost.tx;
      const rows = await lockOpenApplicationsOf(manager, body.from_user_id, recordScopeOf(caller));
      if (rows.length === 0) return { moved: 0, application_ids: [] };
      await moveApplications(
        manager,
        rows.map((row) => row.id),
        body.to_user_id,
      );
      for (const row of rows) {
        await this.audit.record({
          action: 'application.reassigned',
          entityType: 'application',
          entityId: row.id,
          branchId: row.branchId,
          departmentId: row.departmentId,
          fromStatus: row.status,
          toStatus: row.status,
          details: { from_user_id: body.from_user_id, to_user_id: body.to_user_id },
        });
      }
      return { moved: rows.length, application_ids: rows.map((row) => row.id) };
    });
  }

  /**
   * An officer the caller manages (admin: any; manager: of their own branch). The new owner
   * must be active; the former one may have left (that is usually why their work moves).
   */
  private async assertManagedOfficer(
    caller: AuthUser,
    userId: string,
    field: 'from_user_id' | 'to_user_id',
  ): Promise<void> {
    const user = await findUserSummary(this.txHost.tx, userId);
    const manages =
      caller.role === 'admin' || (caller.branchId !== null && user?.branchId === caller.branchId);
    const usable = field === 'from_user_id' || user?.status === 'active';
    if (user?.role === 'officer' && usable && manages) return;
    throw new ValidationProblem([
      {
        loc: ['body', field],
        msg:
          field === 'to_user_id'
            ? 'must be an active officer you manage (of your branch, for a manager)'
            : 'must be an officer you manage (of your branch, for a manager)',
        type: 'reassign',
      },
    ]);
  }
}
