import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { SelectQueryBuilder } from 'typeorm';
import { AuditEvent } from '../../audit/audit-event.entity';
import { Branch } from '../../branches/branch.entity';
import type { AuthUser } from '../../common/auth/auth-user';
import { type Page, pageOf, type PageQuery, pageWindow } from '../../common/http/pagination';
import { Department } from '../../departments/department.entity';
import type { ApplicationEnumOptions } from '../../enums/code-enums';
import { EnumsService } from '../../enums/enums.service';
import { findUserSummaries } from '../../users/user-queries';
import type { ApplicationProperty } from '../application-queries';
import { type ApplicationCardDto, toApplicationCard } from '../dto/application-card.dto';
import {
  type ApplicationHistoryEventDto,
  toApplicationHistoryEvent,
} from '../dto/application-history.dto';
import {
  type ApplicationRelationshipsDto,
  toApplicationSummary,
  toPersonSummary,
  toUnitSummary,
} from '../dto/application-relationships.dto';
import type { ApplicationCardsQuery } from '../dto/list-applications.query';
import { ApplicationsService } from '../records/applications.service';

/** The columns a card is made of (toApplicationCard, displayNameOf, statusColorOf). */
const CARD_PROPERTIES = [
  'id',
  'idNumber',
  'fullNameLatin',
  'fullNameKhmer',
  'phone',
  'status',
  'loanAmount',
  'requestedAmount',
  'interestRate',
  'loanStartDate',
  'loanEndDate',
  'loanPurposes',
  'productType',
  'desiredLoanTerm',
  'portfolioOfficerName',
  'riskCategory',
  'priorityLevel',
  'guarantorName',
  'createdAt',
  'updatedAt',
  'submittedAt',
  'approvedAt',
] as const satisfies readonly ApplicationProperty[];

/**
 * The read views of one application or a page of them (SPEC §7): cards, relationships,
 * history, and the enum lists of the form (stats and the export have services of their own).
 * Every view is limited to the caller's scope the way the list is (application-scope.ts), and
 * an object out of scope is 404 (ApplicationsService.findInScope).
 */
@Injectable()
export class ApplicationReadsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly applications: ApplicationsService,
    private readonly enums: EnumsService,
  ) {}

  /**
   * A page of cards, filtered and ordered as the list: only the card's columns are read, and
   * only the borrower's id number is decrypted (the card carries no guarantor id number).
   */
  cards(caller: AuthUser, query: ApplicationCardsQuery): Promise<Page<ApplicationCardDto>> {
    return this.applications.page(caller, query, CARD_PROPERTIES, (row) =>
      toApplicationCard(this.applications.toResponse(row, ['idNumber'])),
    );
  }

  /**
   * The people and units around an application, in a fixed number of queries: the application,
   * its department and branch (in parallel), then every user at once (`WHERE id IN (...)`).
   */
  async relationships(caller: AuthUser, id: string): Promise<ApplicationRelationshipsDto> {
    const row = await this.applications.findInScope(caller, id);
    const manager = this.txHost.tx;
    const unitColumns = { id: true, name: true, code: true, managerId: true } as const;
    const [department, branch] = await Promise.all([
      row.departmentId
        ? manager
            .getRepository(Department)
            .findOne({ select: unitColumns, where: { id: row.departmentId } })
        : null,
      row.branchId
        ? manager
            .getRepository(Branch)
            .findOne({ select: unitColumns, where: { id: row.branchId } })
        : null,
    ]);
    const userIds = [
      row.userId,
      department?.managerId,
      branch?.managerId,
      row.approvedBy,
      row.rejectedBy,
      row.assignedReviewer,
    ].filter((userId): userId is string => typeof userId === 'string');
    const users = await findUserSummaries(manager, userIds);
    const byId = new Map(users.map((user) => [user.id, user]));
    const person = (userId: string | null | undefined) =>
      toPersonSummary(userId ? byId.get(userId) : undefined);
    return {
      application: toApplicationSummary(this.applications.toResponse(row)),
      officer: person(row.userId),
      department: toUnitSummary(department),
      branch: toUnitSummary(branch),
      department_manager: person(department?.managerId),
      branch_manager: person(branch?.managerId),
      approver: person(row.approvedBy),
      rejector: person(row.rejectedBy),
      reviewer: person(row.assignedReviewer),
    };
  }

  /**
   * The application's audit events, oldest first (a timeline: page 1 starts with its creation),
   * read through audit_events_entity_idx. Visible to whoever may see the application.
   */
  async history(
    caller: AuthUser,
    id: string,
    query: PageQuery,
  ): Promise<Page<ApplicationHistoryEventDto>> {
    await this.applications.findInScope(caller, id);
    const { skip, take } = pageWindow(query);
    const [rows, total] = await Promise.all([
      this.historyQuery(id).offset(skip).limit(take).getMany(),
      this.historyQuery(id).getCount(),
    ]);
    return pageOf(rows.map(toApplicationHistoryEvent), total, query);
  }

  /** The events of one application, oldest first. Public so that a test can EXPLAIN it. */
  historyQuery(id: string): SelectQueryBuilder<AuditEvent> {
    return this.txHost.tx
      .getRepository(AuditEvent)
      .createQueryBuilder('event')
      .where('event.entityType = :entityType', { entityType: 'application' })
      .andWhere('event.entityId = :entityId', { entityId: id })
      .orderBy('event.occurredAt', 'ASC')
      .addOrderBy('event.id', 'ASC');
  }

  applicationOptions(): Promise<ApplicationEnumOptions> {
    return this.enums.applicationOptions();
  }
}
