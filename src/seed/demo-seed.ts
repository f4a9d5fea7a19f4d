/**
 * `npm run seed:demo -- --applications N`: a realistic organisation and N applications with
 * their customers, folders and audit trail (the creation and every step of the workflow that
 * led to each status, at increasing times that the application's timestamps agree with), for
 * demos, benchmarks and EXPLAIN checks, in one transaction.
 *
 * Speed: rows are generated (demo-organisation.ts, demo-loans.ts) a batch of about 5000
 * applications at a time, and each batch is one statement: `INSERT ... SELECT * FROM
 * unnest(...)` into customers, applications, audit events and folders, one array parameter per column
 * (bulk-insert.ts). While PostgreSQL writes one batch, the next is generated, encrypted and
 * serialised, so that the database and this process work at the same time. Ids are chosen
 * here because the row id is authenticated data of each encrypted id number. Statistics are
 * vacuumed and analysed (VACUUM (ANALYZE)) at the end, so that query plans see the real sizes at once.
 */
import { parseArgs } from 'node:util';
import type { DataSource, QueryRunner } from 'typeorm';
import {
  APPLICATION_SEALED_COLUMNS,
  CustomerApplication,
} from '../applications/application.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import type { FieldCipher } from '../common/crypto/field-cipher';
import { seal } from '../common/crypto/sealed-column';
import { Customer, CUSTOMER_ID_NUMBER } from '../customers/customer.entity';
import { APPLICATION_STATUSES, type ApplicationStatus } from '../enums/code-enums';
import { DEFAULT_FOLDERS } from '../folders/folder.entity';
import { arrayLiteral, insertStatement, type Statement } from './bulk-insert';
import {
  type ApplicationRow,
  type DemoCustomer,
  type EventRow,
  generateApplication,
  generateCustomer,
  money,
  replaceIdNumber,
} from './demo-loans';
import {
  createOrganisation,
  DEPARTMENTS,
  type DemoUser,
  type Organisation,
} from './demo-organisation';
import { Random } from './random';

export const DEMO_PASSWORD = 'Demo1234!';

export const DEMO_SEED_USAGE =
  'Usage: npm run seed:demo -- [--applications N] [--branches N] [--seed N] [--force]\n' +
  '       (defaults: 1000 applications, 10 branches, seed 1; --force is needed with NODE_ENV=production)';

export interface DemoSeedOptions {
  applications: number;
  branches: number;
  /** Seed of the pseudo-random generator: the same seed gives the same data (ids aside). */
  seed: number;
  force: boolean;
}

export function parseDemoSeedArgs(args: string[]): DemoSeedOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: {
        applications: { type: 'string' },
        branches: { type: 'string' },
        seed: { type: 'string' },
        force: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new Error(`${DEMO_SEED_USAGE}\n${(error as Error).message}`);
  }
  const wholeNumber = (name: string, fallback: number, min: number, max: number): number => {
    const value = values[name];
    if (value === undefined) return fallback;
    const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
    if (!(number >= min && number <= max)) {
      throw new Error(`${DEMO_SEED_USAGE}\n--${name} must be a whole number from ${min} to ${max}`);
    }
    return number;
  };
  return {
    applications: wholeNumber('applications', 1000, 1, 10_000_000),
    branches: wholeNumber('branches', 10, 1, 500),
    seed: wholeNumber('seed', 1, 0, 2 ** 32 - 1),
    force: values.force === true,
  };
}

/** Demo data has no place in production, unless an operator insists. */
export function assertMaySeed(nodeEnv: string | undefined, force: boolean): void {
  if (nodeEnv === 'production' && !force) {
    throw new Error(
      'Refusing to write demo data with NODE_ENV=production (add --force if you really mean it).',
    );
  }
}

export interface DemoSeedDependencies {
  dataSource: DataSource;
  /** Connections of the schema owner, when it is another role: only the owner may VACUUM. */
  owner?: DataSource;
  cipher: FieldCipher;
  /** The server's bcrypt hasher (its cost comes from the configuration): used once. */
  hashPassword(password: string): Promise<string>;
  log?(line: string): void;
  now?: Date;
}

export interface DemoSeedResult {
  tag: string;
  password: string;
  users: DemoUser[];
  departments: number;
  branches: string[];
  customers: number;
  applications: number;
  folders: number;
  /** Audit events of the applications (their creation and every step of their history). */
  events: number;
  byStatus: Partial<Record<ApplicationStatus, number>>;
  totalMs: number;
}

/** Applications per statement: a few MB of parameters. */
const BATCH = 5000;
const ANALYZED = [
  'departments',
  'branches',
  'positions',
  'users',
  'customers',
  'customer_applications',
  'folders',
  'audit_events',
];

export async function seedDemo(
  deps: DemoSeedDependencies,
  options: Pick<DemoSeedOptions, 'applications' | 'branches' | 'seed'>,
): Promise<DemoSeedResult> {
  const log = deps.log ?? (() => undefined);
  const now = (deps.now ?? new Date()).getTime();
  const random = new Random(options.seed);
  const clock = new PhaseClock();

  const passwordHash = await deps.hashPassword(DEMO_PASSWORD);
  const runner = deps.dataSource.createQueryRunner();
  let organisation: Organisation;
  let loans: LoansWritten;
  try {
    await runner.connect();
    await runner.startTransaction();
    // One long transaction on purpose: the pool's statement timeout is meant for requests.
    await runner.query(`SET LOCAL statement_timeout = 0`);
    organisation = await createOrganisation(runner, random, options.branches, passwordHash, now);
    clock.lap('organisation');
    log(
      `organisation: ${organisation.users.length} users (tag ${organisation.tag}), ` +
        `${organisation.branches.length} branches, ${DEPARTMENTS.length} departments`,
    );
    loans = await writeLoans(
      {
        runner,
        dataSource: deps.dataSource,
        cipher: deps.cipher,
        random,
        organisation,
        now,
        clock,
        log,
      },
      options.applications,
    );
    await runner.commitTransaction();
    clock.lap('commit');
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }

  // Several tables at once, each on a connection of its own; VACUUM (not inside a
  // transaction) as autovacuum would soon do: it marks the pages all-visible, so counts can
  // use index-only scans from the first query, and refreshes the planner's statistics.
  await Promise.all(
    ANALYZED.map(async (table) => {
      const vacuumer = (deps.owner ?? deps.dataSource).createQueryRunner();
      try {
        await vacuumer.query(`SET statement_timeout = 0`);
        await vacuumer.query(`VACUUM (ANALYZE) ${table}`);
        await vacuumer.query(`RESET statement_timeout`);
      } finally {
        await vacuumer.release();
      }
    }),
  );
  clock.lap('vacuum');
  log(clock.report());

  return {
    tag: organisation.tag,
    password: DEMO_PASSWORD,
    users: organisation.users,
    departments: DEPARTMENTS.length,
    branches: organisation.branches.map((branch) => branch.name),
    customers: loans.customers,
    applications: options.applications,
    folders: options.applications * DEFAULT_FOLDERS.length,
    events: loans.events,
    byStatus: loans.byStatus,
    totalMs: clock.elapsed(),
  };
}

/** The command's closing lines: what was made, and who can sign in with which password. */
export function describeDemoSeed(result: DemoSeedResult): string {
  const statuses = APPLICATION_STATUSES.map((status) => status.value)
    .filter((status) => result.byStatus[status])
    .map((status) => `${status} ${result.byStatus[status]}`)
    .join(', ');
  const lines = [
    `Created ${result.applications} applications (${statuses}), ${result.customers} customers, ` +
      `${result.folders} folders, ${result.events} audit events and ${result.users.length} users ` +
      `in ${seconds(result.totalMs)}.`,
    `Demo users (password ${result.password}):`,
  ];
  const byBranch = new Map<string | null, DemoUser[]>();
  for (const user of result.users) {
    byBranch.set(user.branch, [...(byBranch.get(user.branch) ?? []), user]);
  }
  for (const [branch, users] of byBranch) {
    const names = (role: string) => users.filter((u) => u.role === role).map((u) => u.username);
    const officers = names('officer');
    const roles = [
      ...names('admin').map((name) => `admin ${name}`),
      ...names('manager').map((name) => `manager ${name}`),
      officers.length
        ? `officers ${officers[0]} … ${officers[officers.length - 1].replace(/^.*-/, '')}`
        : '',
      ...names('viewer').map((name) => `viewer ${name}`),
    ];
    lines.push(`  ${branch ?? 'Head office'}: ${roles.filter(Boolean).join(', ')}`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Customers, applications and folders

interface LoanContext {
  runner: QueryRunner;
  dataSource: DataSource;
  /** Connections of the schema owner, when it is another role: only the owner may VACUUM. */
  owner?: DataSource;
  cipher: FieldCipher;
  random: Random;
  organisation: Organisation;
  now: number;
  clock: PhaseClock;
  log(line: string): void;
}

/** A customers row as inserted, by entity property (the seed takes the columns from the entity). */
interface CustomerRow {
  id: string;
  fullNameKhmer: string;
  fullNameLatin: string;
  idCardType: string;
  idNumber: string;
  idNumberHash: string;
  phone: string;
  dateOfBirth: string;
  sex: string;
  maritalStatus: string;
  currentAddress: string;
  province: string;
  district: string;
  commune: string;
  village: string;
  occupation: string;
  employerName: string | null;
  monthlyIncome: string;
  incomeSource: string;
  branchId: string | null;
  departmentId: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

interface Identified {
  customer: DemoCustomer;
  /** Blind index of the id number. */
  hash: string;
  applications: number;
}

interface LoansWritten {
  customers: number;
  /** Audit events of the applications. */
  events: number;
  byStatus: Partial<Record<ApplicationStatus, number>>;
}

/**
 * About 1.5 applications per customer (everyone has one, some two or three), written a batch
 * at a time: the next batch is prepared while the database writes the previous one.
 */
async function writeLoans(context: LoanContext, applications: number): Promise<LoansWritten> {
  const { random, organisation, clock } = context;
  const customerCount = Math.max(1, Math.min(applications, Math.round(applications / 1.5)));
  const perCustomer = new Uint32Array(customerCount).fill(1);
  for (let extra = customerCount; extra < applications; extra += 1) {
    perCustomer[random.int(0, customerCount - 1)] += 1;
  }
  const byStatus: Partial<Record<ApplicationStatus, number>> = {};
  const usedIdentities = new Set<string>();
  const progressStep = Math.max(BATCH, Math.ceil(applications / 5 / BATCH) * BATCH);
  let writing: Promise<void> = Promise.resolve();
  let written = 0;
  let events = 0;
  let pending = 0;
  let serial = 0;
  let next = 0;
  while (next < customerCount) {
    const batch: Identified[] = [];
    for (let size = 0; next < customerCount && size < BATCH; next += 1) {
      const officer = random.weighted(organisation.officers);
      const branch = organisation.branches[officer.branchIndex];
      batch.push({
        customer: generateCustomer(random, officer, branch, context.now),
        hash: '',
        applications: perCustomer[next],
      });
      size += perCustomer[next];
    }
    await settleIdentities(context, batch, usedIdentities);

    const applicationRows: ApplicationRow[] = [];
    const eventRows: EventRow[] = [];
    for (const entry of batch) {
      let first = Infinity;
      for (let n = 0; n < entry.applications; n += 1) {
        serial += 1;
        const { row, events: trail } = generateApplication(random, {
          customer: entry.customer,
          admins: organisation.admins,
          now: context.now,
          serial,
        });
        for (const event of trail) eventRows.push(event);
        row.idNumberHash = entry.hash;
        first = Math.min(first, Date.parse(row.createdAt));
        byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
        applicationRows.push(row);
      }
      // Captured with their first application.
      entry.customer.createdAt = first - random.int(5, 60) * 60_000;
    }
    clock.lap('generate');
    const customerRows = batch.map((entry) => customerRow(context.cipher, entry));
    for (const row of applicationRows) sealApplication(context.cipher, row);
    clock.lap('encrypt');
    const statement = batchStatement(context.dataSource, customerRows, applicationRows, eventRows);
    events += eventRows.length;
    clock.lap('serialise');

    await writing;
    clock.lap('wait for the database');
    if (Math.floor((written + pending) / progressStep) > Math.floor(written / progressStep)) {
      context.log(
        `applications: ${written + pending}/${applications} written (${seconds(clock.elapsed())})`,
      );
    }
    written += pending;
    pending = applicationRows.length;
    writing = execute(context, statement);
    // Awaited with the next batch; marked as handled now so a failure is not reported twice.
    writing.catch(() => undefined);
  }
  await writing;
  clock.lap('wait for the database');
  context.log(
    `applications: ${applications}/${applications} written (${seconds(clock.elapsed())})`,
  );
  return { customers: customerCount, events, byStatus };
}

async function execute(context: LoanContext, statement: Statement): Promise<void> {
  const started = performance.now();
  await context.runner.query(statement.sql, statement.params);
  context.clock.add('database', performance.now() - started);
}

/**
 * A batch in one statement (one round trip): its customers, its applications with their audit
 * events, and their three default folders each. Foreign keys are checked at the end of the
 * statement, when the rows of every part are there.
 */
function batchStatement(
  dataSource: DataSource,
  customers: CustomerRow[],
  applications: ApplicationRow[],
  events: EventRow[],
): Statement {
  const customerInsert = insertStatement(dataSource.getMetadata(Customer), customers);
  const applicationInsert = insertStatement(
    dataSource.getMetadata(CustomerApplication),
    applications,
    customerInsert.params.length + 1,
  );
  const eventInsert = insertStatement(
    dataSource.getMetadata(AuditEvent),
    events,
    customerInsert.params.length + applicationInsert.params.length + 1,
  );
  const params = [...customerInsert.params, ...applicationInsert.params, ...eventInsert.params];
  return {
    sql: `WITH customer AS (${customerInsert.sql}),
      application AS (${applicationInsert.sql} RETURNING id, user_id, created_at),
      event AS (${eventInsert.sql})
      INSERT INTO folders (name, application_id, created_by, created_at, updated_at)
      SELECT folder.name, application.id, application.user_id, application.created_at,
        application.created_at
      FROM application CROSS JOIN unnest($${params.length + 1}::text[]) AS folder (name)`,
    params: [...params, arrayLiteral(DEFAULT_FOLDERS)],
  };
}

/**
 * Customers are unique on (id_card_type, hash of the id number): draws again for a number
 * this run or an earlier one has used. Earlier runs are looked up on another connection (the
 * transaction's is busy writing the previous batch); this run's are remembered.
 */
async function settleIdentities(
  context: LoanContext,
  batch: Identified[],
  used: Set<string>,
): Promise<void> {
  let unsettled = batch;
  while (unsettled.length) {
    for (const entry of unsettled) entry.hash = context.cipher.blindIndex(entry.customer.idNumber);
    const rows = (await context.dataSource.query(
      `SELECT id_card_type, id_number_hash FROM customers
       WHERE id_number_hash = ANY($1::char(64)[])`,
      [arrayLiteral(unsettled.map((entry) => entry.hash))],
    )) as { id_card_type: string; id_number_hash: string }[];
    const taken = new Set(rows.map((row) => `${row.id_card_type}:${row.id_number_hash}`));
    const clashes: Identified[] = [];
    for (const entry of unsettled) {
      const identity = `${entry.customer.idCardType}:${entry.hash}`;
      if (used.has(identity) || taken.has(identity)) {
        replaceIdNumber(context.random, entry.customer);
        clashes.push(entry);
      } else {
        used.add(identity);
      }
    }
    unsettled = clashes;
  }
}

function customerRow(cipher: FieldCipher, { customer, hash }: Identified): CustomerRow {
  const created = new Date(customer.createdAt).toISOString();
  return {
    id: customer.id,
    fullNameKhmer: customer.name.khmer,
    fullNameLatin: customer.name.latin,
    idCardType: customer.idCardType,
    idNumber: seal(cipher, CUSTOMER_ID_NUMBER, customer.id, customer.idNumber).value,
    idNumberHash: hash,
    phone: customer.phone,
    dateOfBirth: customer.dateOfBirth,
    sex: customer.name.sex,
    maritalStatus: customer.maritalStatus,
    currentAddress: customer.address,
    province: customer.province,
    district: customer.district,
    commune: customer.commune,
    village: customer.village,
    occupation: customer.occupation.name,
    employerName: customer.employerName,
    monthlyIncome: money(customer.monthlyIncome),
    incomeSource: customer.occupation.incomeSource,
    branchId: customer.officer.branchId,
    departmentId: customer.officer.departmentId,
    createdBy: customer.officer.id,
    createdAt: created,
    updatedAt: created,
  };
}

/** Plain id numbers → ciphertext bound to the row and column; the guarantor's hash. */
function sealApplication(cipher: FieldCipher, row: ApplicationRow): void {
  const { idNumber, guarantorIdNumber } = APPLICATION_SEALED_COLUMNS;
  const guarantor = seal(cipher, guarantorIdNumber, row.id, row.guarantorIdNumber);
  row.idNumber = seal(cipher, idNumber, row.id, row.idNumber).value;
  row.guarantorIdNumber = guarantor.value;
  row.guarantorIdNumberHash = guarantor.hash;
}

// ---------------------------------------------------------------------------------------------
// Timing

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/**
 * Time per phase. `lap` charges the time since the previous lap to a phase of this thread;
 * `add` records database time, which overlaps with this thread's work.
 */
class PhaseClock {
  private readonly started = performance.now();
  private last = this.started;
  private readonly phases = new Map<string, number>();

  lap(phase: string): void {
    const at = performance.now();
    this.add(phase, at - this.last);
    this.last = at;
  }

  add(phase: string, ms: number): void {
    this.phases.set(phase, (this.phases.get(phase) ?? 0) + ms);
  }

  elapsed(): number {
    return performance.now() - this.started;
  }

  report(): string {
    const parts = [...this.phases].map(([phase, ms]) => `${phase} ${seconds(ms)}`);
    return `timings: ${parts.join(', ')}; total ${seconds(this.elapsed())}`;
  }
}
