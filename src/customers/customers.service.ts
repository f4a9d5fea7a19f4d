import { HttpStatus, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { randomUUID } from 'node:crypto';
import { QueryFailedError, type SelectQueryBuilder } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../common/auth/auth-user';
import { recordScopeOf, type SqlCondition } from '../common/auth/record-scope';
import { FieldCipher, normaliseIdNumber } from '../common/crypto/field-cipher';
import { seal, unseal } from '../common/crypto/sealed-column';
import { assertIfMatch, type IfMatch } from '../common/http/etag';
import { filterUpdatedSince, orderByUpdatedAt, syncColumnsOf } from '../common/http/list-query';
import { type Page, type PageQuery, pageOf, pageWindow } from '../common/http/pagination';
import { ProblemException, ValidationProblem } from '../common/http/problem';
import { sameValue } from '../common/changes';
import { escapeLike } from '../common/escape-like';
import type { BorrowerProperty } from './borrower-properties';
import { Customer, CUSTOMER_ID_NUMBER } from './customer.entity';
import {
  type ApplicationOfCustomerCondition,
  CUSTOMER_APPLICATIONS,
  type CustomerApplications,
} from './customer-applications';
import { customerScopeCondition, linkableCustomerCondition } from './customer-scope';
import {
  type CustomerApplicationSummaryDto,
  type CustomerDto,
  toApplicationSummary,
  toCustomerResponse,
} from './dto/customer.dto';
import type { CreateCustomerDto, UpdateCustomerDto } from './dto/customer-write.dto';
import type { ListCustomersQuery } from './dto/list-customers.query';

const IDENTITY_CONSTRAINT = 'customers_identity_key';

/** The fields a client writes (API field = column name), in the entity's order. */
const WRITABLE = [
  'full_name_khmer',
  'full_name_latin',
  'id_card_type',
  'id_number',
  'phone',
  'date_of_birth',
  'sex',
  'marital_status',
  'current_address',
  'province',
  'district',
  'commune',
  'village',
  'occupation',
  'employer_name',
  'monthly_income',
  'income_source',
] as const;

/**
 * What an application hands over when it links (or creates) its customer: the identity, the id
 * number in clear, and the borrower fields it has.
 */
export type CustomerIdentityInput = Pick<Customer, 'idCardType' | 'idNumber'> &
  Partial<Pick<Customer, BorrowerProperty>>;

/** Every field a new customer can be given (the customers route adds sex and marital status). */
type NewCustomer = CustomerIdentityInput & Partial<Pick<Customer, 'sex' | 'maritalStatus'>>;

/** Who registers a customer: its branch, department and creator are theirs. */
export interface CustomerCreator {
  id: string;
  branchId: string | null;
  departmentId: string | null;
}

/** Who links an application to a customer (and registers the customer when new). */
export type CustomerLinker = CustomerCreator & Pick<AuthUser, 'role'>;

/**
 * Customers (borrowers), SPEC §7 "Customers". The id number is stored encrypted with its blind
 * index beside it; answers carry it in clear to callers who may see the customer. Scope: see
 * customer-scope.ts; out of scope is 404, and absent from lists and searches.
 */
@Injectable()
export class CustomersService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditService,
    private readonly cipher: FieldCipher,
    @Inject(CUSTOMER_APPLICATIONS) private readonly applicationsOfCustomers: CustomerApplications,
  ) {}

  /** A customer's applications in a scope count towards its visibility (only applications know how). */
  private readonly viaApplication: ApplicationOfCustomerCondition = (scope, alias, except) =>
    this.applicationsOfCustomers.visibleThroughApplication(scope, alias, except);

  private get customers() {
    return this.txHost.tx.getRepository(Customer);
  }

  // --- reads ---------------------------------------------------------------------------------

  async list(caller: AuthUser, query: ListCustomersQuery): Promise<Page<CustomerDto>> {
    const qb = this.visible(caller);
    if (query.search) {
      qb.andWhere(
        `(c.search_text ILIKE :pattern ESCAPE '\\' OR c.id_number_hash IN (:...idHashes))`,
        {
          pattern: `%${escapeLike(query.search)}%`,
          idHashes: this.cipher.blindIndexCandidates(query.search),
        },
      );
    }
    if (query.branch_id) qb.andWhere('c.branch_id = :branchId', { branchId: query.branch_id });
    if (query.id_card_type) {
      qb.andWhere('c.id_card_type = :idCardType', { idCardType: query.id_card_type });
    }
    filterUpdatedSince(qb, syncColumnsOf('c'), query);
    if (query.sort_by === 'updated_at') orderByUpdatedAt(qb, syncColumnsOf('c'));
    else qb.orderBy('c.created_at', 'DESC').addOrderBy('c.id', 'DESC');
    const { skip, take } = pageWindow(query);
    const [rows, total] = await qb.offset(skip).limit(take).getManyAndCount();
    return pageOf(
      rows.map((row) => this.toResponse(row)),
      total,
      query,
    );
  }

  async get(caller: AuthUser, id: string): Promise<CustomerDto> {
    return this.toResponse(await this.findVisible(caller, id));
  }

  /** The customer's applications that the caller may see, newest first; 404 when out of scope. */
  async applications(
    caller: AuthUser,
    id: string,
    query: PageQuery,
  ): Promise<Page<CustomerApplicationSummaryDto>> {
    await this.findVisible(caller, id);
    const { rows, total } = await this.applicationsOfCustomers.applicationsOf(
      recordScopeOf(caller),
      id,
      pageWindow(query),
    );
    return pageOf(rows.map(toApplicationSummary), total, query);
  }

  // --- writes --------------------------------------------------------------------------------

  /** A new customer in the caller's branch and department; 409 when the identity is taken. */
  create(caller: AuthUser, body: CreateCustomerDto): Promise<CustomerDto> {
    assertHasName(body.full_name_khmer ?? null, body.full_name_latin ?? null);
    assertIdNumberReadable(body.id_number);
    return this.txHost.withTransaction(async () => {
      if (await this.findByIdentity(body.id_card_type, body.id_number)) throw identityTaken();
      const id = await this.insert(this.properties(body) as NewCustomer, {
        id: caller.id,
        branchId: caller.branchId,
        departmentId: caller.departmentId,
      });
      if (!id) throw identityTaken();
      return this.toResponse(await this.customers.findOneByOrFail({ id }));
    });
  }

  /**
   * PATCH: only the fields present change; nothing changed writes nothing. A new id number is
   * encrypted and hashed again (409 when another customer has it).
   */
  update(
    caller: AuthUser,
    id: string,
    body: UpdateCustomerDto,
    ifMatch?: IfMatch,
  ): Promise<CustomerDto> {
    return this.txHost.withTransaction(async () => {
      const customer = await this.findVisible(caller, id, true);
      // SPEC §4: officers edit their own records only; they may still see (not edit) a customer
      // registered by someone else through their own application.
      if (caller.role === 'officer' && customer.createdBy !== caller.id) {
        throw new ProblemException(
          HttpStatus.FORBIDDEN,
          'Officers may edit only the customers they registered; ask a manager of your branch.',
        );
      }
      assertIfMatch(ifMatch, customer.version);
      const current = this.toResponse(customer);
      const values: Partial<Customer> = {};
      const changed: string[] = [];
      for (const name of WRITABLE) {
        const value = body[name];
        const column = this.column(name);
        const stored = name === 'id_number' ? current.id_number : column.getEntityValue(customer);
        if (value === undefined || sameValue(stored, value, column.type === 'numeric')) continue;
        column.setEntityValue(values, value);
        changed.push(name);
      }
      if (changed.length === 0) return current;

      assertHasName(
        values.fullNameKhmer !== undefined ? values.fullNameKhmer : customer.fullNameKhmer,
        values.fullNameLatin !== undefined ? values.fullNameLatin : customer.fullNameLatin,
      );
      if (values.idNumber !== undefined || values.idCardType !== undefined) {
        const idNumber = values.idNumber ?? current.id_number;
        const idCardType = values.idCardType ?? customer.idCardType;
        assertIdNumberReadable(idNumber);
        const holder = await this.findByIdentity(idCardType, idNumber);
        if (holder && holder.id !== id) throw identityTaken();
        const sealed = seal(this.cipher, CUSTOMER_ID_NUMBER, id, idNumber);
        values.idNumber = sealed.value;
        values.idNumberHash = sealed.hash;
      }
      try {
        // The update query bumps version and updated_at itself.
        await this.customers.update(id, values);
      } catch (error) {
        throw isIdentityConflict(error) ? identityTaken() : error;
      }
      await this.audit.record({
        action: 'customer.updated',
        entityType: 'customer',
        entityId: id,
        branchId: customer.branchId,
        departmentId: customer.departmentId,
        // Field names only: never id numbers (nor other personal data) in the trail.
        details: { fields: changed },
      });
      return this.toResponse(await this.customers.findOneByOrFail({ id }));
    });
  }

  /**
   * For the applications module, inside the caller's transaction: the id of the customer with
   * this identity (id card type and id number, whatever key hashed it) for `application` (new,
   * or a draft being edited), created from the given fields (in the linker's branch and
   * department) when there is none. An existing customer is never changed, and is linked only
   * when the linker may see it without counting this application, or it is of the linker's
   * branch, or it is the one the application links already (SPEC §4); otherwise 409, saying
   * nothing of the customer. Concurrent calls with one identity agree on one row.
   */
  async linkOrCreate(
    given: CustomerIdentityInput,
    linker: CustomerLinker,
    application: { id: string; customerId: string | null },
  ): Promise<string> {
    const input = { ...given, idNumber: given.idNumber.trim() };
    assertIdNumberReadable(input.idNumber);
    const linkable = linkableCustomerCondition(
      recordScopeOf(linker),
      this.viaApplication,
      linker.branchId,
      application.id,
    );
    const linkedOrRefused = (match: IdentityMatch): string => {
      if (match.passes || match.id === application.customerId) return match.id;
      throw customerNotVisible();
    };
    const existing = await this.findByIdentity(input.idCardType, input.idNumber, linkable);
    if (existing) return linkedOrRefused(existing);
    const created = await this.insert(input, linker);
    if (created) return created;
    // Another transaction created it meanwhile (ON CONFLICT waited for it to commit).
    const winner = await this.findByIdentity(input.idCardType, input.idNumber, linkable);
    if (!winner) throw new Error('A customer identity conflicted but its row could not be read');
    return linkedOrRefused(winner);
  }

  // --- helpers -------------------------------------------------------------------------------

  /**
   * Inserts a customer, or nothing when its identity is taken (null). `ON CONFLICT` makes a
   * concurrent insert of the same identity wait for the first and then do nothing.
   */
  private async insert(input: NewCustomer, creator: CustomerCreator): Promise<string | null> {
    const id = randomUUID();
    const sealed = seal(this.cipher, CUSTOMER_ID_NUMBER, id, input.idNumber);
    const values: Partial<Customer> = {
      id,
      ...input,
      idNumber: sealed.value,
      idNumberHash: sealed.hash,
      branchId: creator.branchId,
      departmentId: creator.departmentId,
      createdBy: creator.id,
    };
    const columns = [
      ...WRITABLE,
      'id',
      'id_number_hash',
      'branch_id',
      'department_id',
      'created_by',
    ];
    const inserted: { id: string; customer_code: string }[] = await this.txHost.tx.query(
      `INSERT INTO customers (${columns.join(', ')})
       VALUES (${columns.map((_, index) => `$${index + 1}`).join(', ')})
       ON CONFLICT ON CONSTRAINT ${IDENTITY_CONSTRAINT} DO NOTHING
       RETURNING id, customer_code`,
      columns.map((name) => this.column(name).getEntityValue(values) ?? null),
    );
    if (inserted.length === 0) return null;
    await this.audit.record({
      action: 'customer.created',
      entityType: 'customer',
      entityId: id,
      branchId: creator.branchId,
      departmentId: creator.departmentId,
      details: { customer_code: inserted[0].customer_code, id_card_type: input.idCardType },
    });
    return id;
  }

  /**
   * The customer with this identity, under the current or a previous hashing key, and whether
   * it passes `linkable` (a condition on alias `c`; null: every customer does).
   */
  private async findByIdentity(
    idCardType: string,
    idNumber: string,
    linkable: SqlCondition | null = null,
  ): Promise<IdentityMatch | null> {
    const row = await this.customers
      .createQueryBuilder('c')
      .select('c.id', 'id')
      .addSelect(linkable ? linkable.sql : 'true', 'passes')
      .where('c.id_card_type = :idCardType', { idCardType })
      .andWhere('c.id_number_hash IN (:...hashes)', {
        hashes: this.cipher.blindIndexCandidates(idNumber),
      })
      .setParameters(linkable?.params ?? {})
      .getRawOne<IdentityMatch>();
    return row ?? null;
  }

  /** Customers the caller may see. */
  private visible(caller: AuthUser): SelectQueryBuilder<Customer> {
    const qb = this.customers.createQueryBuilder('c');
    const scope = customerScopeCondition(recordScopeOf(caller), this.viaApplication, 'c');
    if (scope) qb.andWhere(scope.sql, scope.params);
    return qb;
  }

  /** The customer, 404 when missing or out of scope; `lock`: row-locked for this transaction. */
  private async findVisible(caller: AuthUser, id: string, lock = false): Promise<Customer> {
    const qb = this.visible(caller).andWhere('c.id = :id', { id });
    if (lock) qb.setLock('pessimistic_write');
    const customer = await qb.getOne();
    if (!customer) throw new NotFoundException('Customer not found.');
    return customer;
  }

  private toResponse(customer: Customer): CustomerDto {
    return toCustomerResponse(
      customer,
      unseal(this.cipher, CUSTOMER_ID_NUMBER, customer.id, customer.idNumber),
    );
  }

  /** Fields of a request (API names, which are the column names) as entity properties. */
  private properties(fields: object): Partial<Customer> {
    const values: Partial<Customer> = {};
    for (const [name, value] of Object.entries(fields)) {
      if (value !== undefined) this.column(name).setEntityValue(values, value);
    }
    return values;
  }

  /** The column of an API field (the naming strategy maps column names to properties). */
  private column(name: string) {
    const column = this.customers.metadata.findColumnWithDatabaseName(name);
    if (!column) throw new Error(`No column of customers is named ${name}`);
    return column;
  }
}

/** A customer found by identity, and whether the caller may link it. */
interface IdentityMatch {
  id: string;
  passes: boolean;
}

/** SPEC §4: the same words whatever the customer's branch, and nothing of the customer. */
function customerNotVisible(): ProblemException {
  return new ProblemException(
    HttpStatus.CONFLICT,
    'A customer with this id number already exists and you cannot see it. ' +
      'Ask a manager to create this application.',
    { type: 'customer-not-visible' },
  );
}

/** Deliberately says nothing of the other customer: not its name, branch or code. */
function identityTaken(): ProblemException {
  return new ProblemException(
    HttpStatus.CONFLICT,
    'A customer with this ID card type and ID number is already registered. Search for the ' +
      'existing customer instead of creating a new one.',
    { type: 'duplicate-customer' },
  );
}

function isIdentityConflict(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === '23505' && driverError.constraint === IDENTITY_CONSTRAINT;
}

function assertHasName(khmer: string | null, latin: string | null): void {
  if (khmer || latin) return;
  throw new ValidationProblem(
    [
      {
        loc: ['body', 'full_name_latin'],
        msg: 'or full_name_khmer is required: give at least one name',
        type: 'name_required',
      },
    ],
    'Give the customer a name: full_name_latin or full_name_khmer.',
  );
}

/** An id number must keep something once spaces and dashes are ignored (it is hashed so). */
function assertIdNumberReadable(idNumber: string): void {
  if (normaliseIdNumber(idNumber) !== '') return;
  throw new ValidationProblem([
    {
      loc: ['body', 'id_number'],
      msg: 'must contain letters or digits, not only spaces and dashes',
      type: 'id_number',
    },
  ]);
}
