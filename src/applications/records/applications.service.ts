import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { randomUUID } from 'node:crypto';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import type { AuthUser } from '../../common/auth/auth-user';
import { recordScopeOf } from '../../common/auth/record-scope';
import { FieldCipher } from '../../common/crypto/field-cipher';
import { seal, unseal } from '../../common/crypto/sealed-column';
import { assertIfMatch, type IfMatch } from '../../common/http/etag';
import { type Page, pageOf, type PageQuery, pageWindow } from '../../common/http/pagination';
import { ProblemException, ValidationProblem } from '../../common/http/problem';
import { sameValue } from '../../common/changes';
import { borrowerPropertiesOf } from '../../customers/borrower-properties';
import { CustomersService } from '../../customers/customers.service';
import { SettingsService } from '../../settings/settings.service';
import {
  APPLICATION_FILES,
  APPLICATION_FOLDERS,
  type ApplicationFiles,
  type ApplicationFolders,
} from '../application-documents';
import {
  APPLICATION_RESPONSE_PROPERTIES,
  type ApplicationFilters,
  type ApplicationProperty,
  countApplications,
  filterApplications,
  orderApplications,
  scopeApplications,
  selectApplicationProperties,
} from '../application-queries';
import {
  APPLICATION_SEALED_COLUMNS,
  CustomerApplication,
  type SealedProperty,
} from '../application.entity';
import type { ApplicationContentDto } from '../dto/application-content.dto';
import { type ApplicationDto, toApplicationResponse } from '../dto/application.dto';
import type { ApplicationFiltersQuery } from '../dto/list-applications.query';
import { EDITABLE_STATUSES } from '../lifecycle/application-lifecycle';
import { summaryCount } from '../reads/application-stats-summary';

/**
 * Applications: create, read, update, delete and list, always within the caller's scope
 * (application-scope.ts; out of scope is 404). The workflow transitions live in
 * ApplicationWorkflowService; both load rows through `findInScope`.
 */
@Injectable()
export class ApplicationsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly cipher: FieldCipher,
    private readonly audit: AuditService,
    private readonly settings: SettingsService,
    private readonly customers: CustomersService,
    @Inject(APPLICATION_FOLDERS) private readonly folders: ApplicationFolders,
    @Inject(APPLICATION_FILES) private readonly files: ApplicationFiles,
  ) {}

  private get repository() {
    return this.txHost.tx.getRepository(CustomerApplication);
  }

  /** The application if the caller may see it (locked FOR UPDATE when asked), else 404. */
  async findInScope(
    caller: AuthUser,
    id: string,
    options: { lock?: boolean } = {},
  ): Promise<CustomerApplication> {
    const qb = this.inScope(caller, id);
    if (options.lock) qb.setLock('pessimistic_write');
    return found(id, await qb.getOne());
  }

  /** The application `id` if the caller may see it, else none. */
  private inScope(caller: AuthUser, id: string): SelectQueryBuilder<CustomerApplication> {
    return scopeApplications(
      this.repository.createQueryBuilder('a').where('a.id = :id', { id }),
      recordScopeOf(caller),
    );
  }

  /**
   * The response of a row: id numbers decrypted (ciphertext never leaves the server); only those
   * in `reveal`, for a view that carries fewer (the others answer null).
   */
  toResponse(
    row: CustomerApplication,
    reveal: readonly SealedProperty[] = ['idNumber', 'guarantorIdNumber'],
  ): ApplicationDto {
    const clear = (property: SealedProperty) =>
      reveal.includes(property) ? this.reveal(row, property) : null;
    return toApplicationResponse(row, {
      id_number: clear('idNumber'),
      guarantor_id_number: clear('guarantorIdNumber'),
    });
  }

  /** A raw row of the answer's columns, as a list item is read (no entity hydration). */
  async get(caller: AuthUser, id: string): Promise<ApplicationDto> {
    const [row] = await selectApplicationProperties(
      this.inScope(caller, id),
      APPLICATION_RESPONSE_PROPERTIES,
    ).getRawMany<CustomerApplication>();
    return this.toResponse(found(id, row));
  }

  list(caller: AuthUser, query: ApplicationFiltersQuery): Promise<Page<ApplicationDto>> {
    return this.page(caller, query, APPLICATION_RESPONSE_PROPERTIES, (row) => this.toResponse(row));
  }

  /**
   * A page of the caller's applications passing the filters, in the list's order (or the sync
   * order, `sort_by=updated_at`): raw rows of only the `properties` the view carries (no entity
   * hydration), and the exact `total`: from the stats summary when the filters allow
   * (summaryCount), else by `count(*)` (an index-only scan of the scope index).
   */
  async page<T>(
    caller: AuthUser,
    query: ApplicationFilters & PageQuery,
    properties: readonly ApplicationProperty[],
    toItem: (row: CustomerApplication) => T,
  ): Promise<Page<T>> {
    const filtered = await this.filteredQuery(caller, query);
    const { skip, take } = pageWindow(query);
    const [rows, total] = await Promise.all([
      selectApplicationProperties(orderApplications(filtered(), query.sort_by ?? null), properties)
        .offset(skip)
        .limit(take)
        .getRawMany<CustomerApplication>(),
      summaryCount(this.txHost.tx, recordScopeOf(caller), query).then(
        (total) => total ?? countApplications(filtered()),
      ),
    ]);
    return pageOf(rows.map(toItem), total, query);
  }

  /**
   * Makes fresh queries (alias `a`) of the caller's applications passing the filters: for the
   * list, the cards, the stats and the export. `manager` for work outside the request.
   */
  async filteredQuery(
    caller: AuthUser,
    filters: ApplicationFilters,
    manager: EntityManager = this.txHost.tx,
  ): Promise<() => SelectQueryBuilder<CustomerApplication>> {
    const timeZone = await this.settings.get('timezone');
    const scope = recordScopeOf(caller);
    return () =>
      filterApplications(
        scopeApplications(
          manager.getRepository(CustomerApplication).createQueryBuilder('a'),
          scope,
        ),
        filters,
        { timeZone, cipher: this.cipher },
      );
  }

  async create(caller: AuthUser, body: ApplicationContentDto): Promise<ApplicationDto> {
    return this.txHost.withTransaction(async () => {
      const id = randomUUID();
      const row = this.repository.create({
        ...this.contentProperties(body),
        id,
        userId: caller.id,
        createdBy: caller.id,
        branchId: caller.branchId,
        departmentId: caller.departmentId,
        status: 'draft',
        currency: body.currency ?? (await this.settings.get('default_currency')),
        priorityLevel: (body.priority_level as CustomerApplication['priorityLevel']) ?? 'normal',
      });
      this.sealIdNumbers(row, body);
      row.customerId = await this.linkCustomer(row, body.id_number ?? null, caller);
      await this.repository.insert(row);
      await this.folders.createDefaultFolders(id, caller.id);
      await this.audit.record({
        action: 'application.created',
        entityType: 'application',
        entityId: id,
        branchId: row.branchId,
        departmentId: row.departmentId,
        toStatus: 'draft',
        details: { customer_id: row.customerId },
      });
      return this.toResponse(await this.findInScope(caller, id));
    });
  }

  /** Partial update of the content fields (PUT and PATCH alike), only while a draft. */
  async update(
    caller: AuthUser,
    id: string,
    body: ApplicationContentDto,
    ifMatch?: IfMatch,
  ): Promise<ApplicationDto> {
    return this.txHost.withTransaction(async () => {
      const row = await this.findInScope(caller, id, { lock: true });
      assertIfMatch(ifMatch, row.version);
      this.assertEditable(row, 'edited');
      const before = this.toResponse(row);
      const changed = Object.entries(body)
        .filter(
          ([field, value]) => value !== undefined && !this.isStored(row, before, field, value),
        )
        .map(([field]) => field)
        .sort();
      if (changed.length === 0) return before;
      const { id_number, guarantor_id_number, ...plain } = Object.fromEntries(
        changed.map((field) => [field, body[field as keyof ApplicationContentDto]]),
      );
      Object.assign(row, this.contentProperties(plain));
      this.sealIdNumbers(row, { id_number, guarantor_id_number } as ApplicationContentDto);
      if (changed.includes('id_number') || changed.includes('id_card_type')) {
        row.customerId = await this.linkCustomer(row, this.reveal(row, 'idNumber'), caller);
      }
      const saved = await this.repository.save(row);
      await this.audit.record({
        action: 'application.updated',
        entityType: 'application',
        entityId: id,
        branchId: row.branchId,
        departmentId: row.departmentId,
        details: { fields: changed },
      });
      return this.toResponse(saved);
    });
  }

  /** Deletes a draft with its folders and files, then their objects in storage. */
  async remove(caller: AuthUser, id: string, ifMatch?: IfMatch): Promise<void> {
    const files = await this.txHost.withTransaction(async () => {
      const row = await this.findInScope(caller, id, { lock: true });
      assertIfMatch(ifMatch, row.version);
      this.assertEditable(row, 'deleted');
      const cleanup = await this.files.deleteFilesOf(id);
      await this.folders.deleteFoldersOf(id);
      await this.repository.delete({ id });
      await this.audit.record({
        action: 'application.deleted',
        entityType: 'application',
        entityId: id,
        branchId: row.branchId,
        departmentId: row.departmentId,
        fromStatus: row.status,
        details: { file_count: cleanup.count },
      });
      return cleanup;
    });
    // After the commit: a failure leaves objects without rows (logged), never rows without objects.
    await files.deleteObjects();
  }

  private assertEditable(row: CustomerApplication, verb: 'edited' | 'deleted'): void {
    if (EDITABLE_STATUSES.includes(row.status)) return;
    throw new ProblemException(
      HttpStatus.CONFLICT,
      `An application can be ${verb} only while it is a draft; this one is "${row.status}".` +
        (verb === 'edited' ? ' A manager can return it to draft to ask for changes.' : ''),
      { type: 'illegal-state', extensions: { current_status: row.status } },
    );
  }

  /**
   * Whether the stored value of a content field (its API name, which is its column's name)
   * equals `given`: id numbers compared in clear, numeric columns by amount.
   */
  private isStored(
    row: CustomerApplication,
    clear: ApplicationDto,
    field: string,
    given: unknown,
  ): boolean {
    if (field === 'id_number' || field === 'guarantor_id_number') {
      return sameValue(clear[field], given);
    }
    const column = this.column(field);
    return sameValue(column.getEntityValue(row), given, column.type === 'numeric');
  }

  /** The content fields given in the body (undefined = not given) as entity properties. */
  private contentProperties(body: object): Partial<CustomerApplication> {
    return Object.fromEntries(
      Object.entries(body)
        .filter(([, value]) => value !== undefined)
        .map(([field, value]) => [this.column(field).propertyName, value]),
    );
  }

  /** The column of a content field (the naming strategy maps API names to properties). */
  private column(field: string) {
    const column = this.repository.metadata.findColumnWithDatabaseName(field);
    if (!column) throw new Error(`No column of customer_applications is named ${field}`);
    return column;
  }

  /** Encrypts the id numbers given in the body into the row, with their blind indexes. */
  private sealIdNumbers(row: CustomerApplication, body: ApplicationContentDto): void {
    const sealed = [
      ['idNumber', body.id_number],
      ['guarantorIdNumber', body.guarantor_id_number],
    ] as const;
    for (const [property, value] of sealed) {
      if (value === undefined) continue;
      const stored =
        value === null
          ? null
          : seal(this.cipher, APPLICATION_SEALED_COLUMNS[property], row.id, value);
      row[property] = stored?.value ?? null;
      row[`${property}Hash`] = stored?.hash ?? null;
    }
  }

  /** An id number of the row in clear (null when absent). */
  reveal(row: Pick<CustomerApplication, 'id' | SealedProperty>, property: SealedProperty) {
    const value = row[property];
    if (value === null) return null;
    return unseal(this.cipher, APPLICATION_SEALED_COLUMNS[property], row.id, value);
  }

  /**
   * The customer with this identity, created from the borrower fields when new; null without.
   * An existing customer the caller may not link (SPEC §4) is 409, and nothing is written.
   */
  private async linkCustomer(
    row: CustomerApplication,
    idNumber: string | null,
    caller: AuthUser,
  ): Promise<string | null> {
    if (idNumber === null) return null;
    if (!row.idCardType) {
      throw new ValidationProblem([
        {
          loc: ['body', 'id_card_type'],
          msg: 'is required with id_number (a customer is identified by both)',
          type: 'required_with',
        },
      ]);
    }
    return this.customers.linkOrCreate(
      { ...borrowerPropertiesOf(row), idCardType: row.idCardType, idNumber },
      {
        id: caller.id,
        role: caller.role,
        branchId: caller.branchId,
        departmentId: caller.departmentId,
      },
      row,
    );
  }
}

/** `row`, or 404 naming the application. */
function found<T>(id: string, row: T | null | undefined): T {
  if (!row) throw new ProblemException(HttpStatus.NOT_FOUND, `Application ${id} was not found.`);
  return row;
}
