/**
 * The demo organisation: departments, positions and branches (found by name, created when
 * missing, so that a second run reuses them) and this run's users: two admins at head office,
 * and per branch a manager, 4 to 6 officers and a viewer. Usernames carry a tag of the run
 * (`demo-<tag>-pnp-officer1`), so that runs never collide.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import type { Role } from '../common/auth/permissions';
import { User } from '../users/user.entity';
import { insertRows } from './bulk-insert';
import type { DemoBranch, StaffMember } from './demo-loans';
import {
  digits,
  type PersonName,
  personName,
  phoneNumber,
  PROVINCES,
  type Province,
} from './demo-population';
import type { Random } from './random';

// ---------------------------------------------------------------------------------------------
// The plan (pure)

export const DEPARTMENTS = [
  { name: 'Retail Lending', code: 'RETAIL', description: 'Household and consumer loans' },
  { name: 'SME Lending', code: 'SME', description: 'Loans to small and medium enterprises' },
  { name: 'Agriculture', code: 'AGRI', description: 'Crop, livestock and farm equipment loans' },
  {
    name: 'Credit Risk',
    code: 'RISK',
    description: 'Credit assessment and approvals above branch limits',
  },
] as const;
/** The departments officers and managers work in (Credit Risk is head office). */
const LENDING_DEPARTMENTS = [0, 1, 2];
const CREDIT_RISK_DEPARTMENT = 3;

export const POSITIONS = {
  admin: { name: 'Head of Credit', description: 'Head office credit administration' },
  manager: { name: 'Branch Manager', description: 'Runs a branch; reviews and approves loans' },
  officer: { name: 'Loan Officer', description: 'Captures customers and their applications' },
  viewer: { name: 'Customer Service Officer', description: 'Answers customers; reads only' },
} as const satisfies Record<Role, { name: string; description: string }>;

interface BranchPlan {
  name: string;
  code: string;
  province: Province;
  address: string;
  phoneNumber: string;
  email: string;
}

/** The n-th branch (from 0): one per province, then second branches ("Phnom Penh 2"). */
function branchPlan(random: Random, index: number): BranchPlan {
  const place = PROVINCES[index % PROVINCES.length];
  const round = Math.floor(index / PROVINCES.length);
  const suffix = round === 0 ? '' : ` ${round + 1}`;
  return {
    name: `${place.name}${suffix}`,
    code: `${place.code}${round === 0 ? '' : round + 1}`,
    province: place,
    address: `No. ${random.int(1, 250)}, National Road ${random.int(1, 7)}, ${place.town}, ${place.name}`,
    phoneNumber: `023 ${digits(random, 3)} ${digits(random, 3)}`,
    email: `${place.code.toLowerCase()}${round === 0 ? '' : round + 1}@demo.example.com`,
  };
}

interface StaffPlan {
  role: Role;
  /** Index into the branches; null for head office. */
  branch: number | null;
  department: number;
  /** The part of the username after the run's prefix: "pnp-officer2". */
  handle: string;
  name: PersonName;
  phone: string;
}

/** Two admins at head office; per branch a manager, 4 to 6 officers and a viewer. */
function staffPlan(random: Random, branches: BranchPlan[]): StaffPlan[] {
  const person = (role: Role, branch: number | null, department: number, handle: string) => ({
    role,
    branch,
    department,
    handle,
    name: personName(random),
    phone: phoneNumber(random),
  });
  const staff: StaffPlan[] = [
    person('admin', null, CREDIT_RISK_DEPARTMENT, 'admin1'),
    person('admin', null, CREDIT_RISK_DEPARTMENT, 'admin2'),
  ];
  branches.forEach((branch, index) => {
    const prefix = branch.code.toLowerCase();
    const lending = (n: number) => LENDING_DEPARTMENTS[n % LENDING_DEPARTMENTS.length];
    staff.push(person('manager', index, lending(index), `${prefix}-manager`));
    const officers = random.int(4, 6);
    for (let n = 0; n < officers; n += 1) {
      staff.push(person('officer', index, lending(index + n), `${prefix}-officer${n + 1}`));
    }
    staff.push(person('viewer', index, lending(index), `${prefix}-viewer`));
  });
  return staff;
}

// ---------------------------------------------------------------------------------------------
// Writing it

export interface DemoUser {
  username: string;
  role: Role;
  /** The branch's name; null for head office. */
  branch: string | null;
}

export interface Organisation {
  tag: string;
  users: DemoUser[];
  branches: DemoBranch[];
  admins: StaffMember[];
  /** Officers with how much business each brings in, for `random.weighted`. */
  officers: (readonly [StaffMember & { branchIndex: number }, number])[];
}

const DAY = 86_400_000;

/** A users row as inserted, by entity property (the seed takes the columns from the entity). */
interface UserRow {
  id: string;
  username: string;
  email: string;
  passwordHash: string;
  firstName: string;
  lastName: string;
  phoneNumber: string;
  employeeId: string;
  role: Role;
  departmentId: string;
  branchId: string | null;
  positionId: string;
  createdAt: string;
  updatedAt: string;
}

interface Unit {
  id: string;
}

export async function createOrganisation(
  runner: QueryRunner,
  random: Random,
  branchCount: number,
  passwordHash: string,
  now: number,
): Promise<Organisation> {
  const tag = await newTag(runner);
  const departments: Unit[] = [];
  for (const department of DEPARTMENTS) {
    departments.push(await findOrCreate(runner, 'departments', tag, { ...department }));
  }
  const positions = {} as Record<Role, string>;
  for (const role of Object.keys(POSITIONS) as Role[]) {
    positions[role] = (await findOrCreate(runner, 'positions', tag, { ...POSITIONS[role] })).id;
  }
  const plans: BranchPlan[] = Array.from({ length: branchCount }, (_, index) =>
    branchPlan(random, index),
  );
  const branchUnits: Unit[] = [];
  for (const plan of plans) {
    branchUnits.push(
      await findOrCreate(runner, 'branches', tag, {
        name: plan.name,
        code: plan.code,
        address: plan.address,
        phone_number: plan.phoneNumber,
        email: plan.email,
        latitude: plan.province.latitude,
        longitude: plan.province.longitude,
      }),
    );
  }

  const staff = staffPlan(random, plans);
  const employeeIds = await freeEmployeeIds(runner, staff.length);
  // Hired before the oldest application (18 months of history).
  const hired = now - 20 * 30.4 * DAY;
  const rows: UserRow[] = staff.map((person, index) => {
    const username = `demo-${tag}-${person.handle}`;
    const at = new Date(hired - random.int(0, 400) * DAY).toISOString();
    return {
      id: randomUUID(),
      username,
      email: `${username}@demo.example.com`,
      passwordHash,
      firstName: person.name.first,
      lastName: person.name.last,
      phoneNumber: person.phone,
      employeeId: employeeIds[index],
      role: person.role,
      departmentId: departments[person.department].id,
      branchId: person.branch === null ? null : branchUnits[person.branch].id,
      positionId: positions[person.role],
      createdAt: at,
      updatedAt: at,
    };
  });
  await insertRows(runner, runner.connection.getMetadata(User), rows);

  const member = (index: number): StaffMember => ({
    id: rows[index].id,
    username: rows[index].username,
    role: staff[index].role,
    fullName: staff[index].name.latin,
    branchId: rows[index].branchId,
    departmentId: rows[index].departmentId,
  });
  const branches: DemoBranch[] = plans.map((plan, index) => ({
    id: branchUnits[index].id,
    name: plan.name,
    code: plan.code,
    province: plan.province,
    managers: [],
  }));
  const admins: StaffMember[] = [];
  const officers: Organisation['officers'] = [];
  staff.forEach((person, index) => {
    if (person.branch === null) admins.push(member(index));
    else if (person.role === 'manager') branches[person.branch].managers.push(member(index));
    else if (person.role === 'officer') {
      // The capital's branch is the busiest; officers differ in how much they bring in.
      const size = person.branch === 0 ? 2 : person.branch < 3 ? 1.4 : 1;
      const weight = size * (0.6 + random.next() * 0.8);
      officers.push([{ ...member(index), branchIndex: person.branch }, weight]);
    }
  });

  // Units without a manager get this run's: a branch its manager, a department the first
  // manager working in it (an admin for Credit Risk).
  for (const branch of branches)
    await setManager(runner, 'branches', branch.id, branch.managers[0]);
  for (const department of departments) {
    const head = [...admins, ...branches.flatMap((branch) => branch.managers)].find(
      (user) => user.departmentId === department.id,
    );
    await setManager(runner, 'departments', department.id, head);
  }

  return {
    tag,
    users: staff.map((person, index) => ({
      username: rows[index].username,
      role: person.role,
      branch: person.branch === null ? null : plans[person.branch].name,
    })),
    branches,
    admins,
    officers,
  };
}

/** A tag no earlier run used (usernames are unique ignoring case). */
async function newTag(runner: QueryRunner): Promise<string> {
  for (;;) {
    const tag = randomBytes(2).toString('hex');
    const [{ taken }] = (await runner.query(
      `SELECT EXISTS (SELECT 1 FROM users WHERE lower(username) LIKE $1) AS taken`,
      [`demo-${tag}-%`],
    )) as { taken: boolean }[];
    if (!taken) return tag;
  }
}

/**
 * The row of `table` with this name (ignoring case, as the unique index does), inserted when
 * missing. When the code belongs to a row of another name, the code gets the run's tag.
 */
async function findOrCreate(
  runner: QueryRunner,
  table: 'departments' | 'branches' | 'positions',
  tag: string,
  values: Record<string, string>,
): Promise<Unit> {
  const find = async () => {
    const rows = (await runner.query(`SELECT id FROM ${table} WHERE lower(name) = lower($1)`, [
      values.name,
    ])) as Unit[];
    return rows[0] as Unit | undefined;
  };
  const insert = async (row: Record<string, string>) => {
    const columns = Object.keys(row);
    const placeholders = columns.map((_, i) => `$${i + 1}`);
    await runner.query(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders.join(', ')})
       ON CONFLICT DO NOTHING`,
      Object.values(row),
    );
  };
  await insert(values);
  let unit = await find();
  if (!unit && values.code !== undefined) {
    await insert({ ...values, code: `${values.code}-${tag}` });
    unit = await find();
  }
  if (!unit) throw new Error(`Could not create the ${table} row "${values.name}".`);
  return unit;
}

/** Employee ids (4 digits, unique) that no user has, lowest first. */
async function freeEmployeeIds(runner: QueryRunner, count: number): Promise<string[]> {
  const rows = (await runner.query(
    `SELECT employee_id FROM users WHERE employee_id IS NOT NULL`,
  )) as { employee_id: string }[];
  const taken = new Set(rows.map((row) => row.employee_id));
  const free: string[] = [];
  for (let n = 1001; n <= 9999 && free.length < count; n += 1) {
    if (!taken.has(String(n))) free.push(String(n));
  }
  if (free.length < count) {
    throw new Error(`${count} employee ids are needed but only ${free.length} are free.`);
  }
  return free;
}

async function setManager(
  runner: QueryRunner,
  table: 'departments' | 'branches',
  id: string,
  manager: StaffMember | undefined,
): Promise<void> {
  if (!manager) return;
  await runner.query(
    `UPDATE ${table} SET manager_id = $2, version = version + 1, updated_at = now()
     WHERE id = $1 AND manager_id IS NULL`,
    [id, manager.id],
  );
}
