import { SessionsService } from '../../src/credentials/sessions.service';
import type { Branch } from '../../src/branches/branch.entity';
import type { Department } from '../../src/departments/department.entity';
import type { Position } from '../../src/positions/position.entity';
import type { User } from '../../src/users/user.entity';
import { isProblem } from '../harness/expect';
import { type Method, requestsAs } from '../harness/http';
import { createUser, TEST_PASSWORD, type UserOverrides } from '../harness/identity';
import {
  makeBranch,
  makeDepartment,
  makePosition,
  newBranchBody,
  newDepartmentBody,
  newPositionBody,
} from '../harness/organisation-fixtures';
import { createTestApp, type TestApp } from '../harness/test-app';
import { tag } from '../harness/unique';
import { newUserBody } from '../harness/users-fixtures';

/**
 * Role × route for auth, users, departments, branches and positions (SPEC §4 and §7), with
 * own × other branch for the users routes. Every expected status below is written by hand
 * from the SPEC, never derived from the permission map under test (STYLE.md, "Tests").
 */

const CALLERS = ['admin', 'manager', 'officer', 'viewer', 'anonymous'] as const;
type Caller = (typeof CALLERS)[number];
type SignedInCaller = Exclude<Caller, 'anonymous'>;

/** The expected status as admin, manager, officer, viewer and anonymous, in that order. */
type Statuses = [number, number, number, number, number];

interface World {
  t: TestApp;
  /** The branch of the manager, officer and viewer ("own branch"). */
  b1: Branch;
  /** Another branch. */
  b2: Branch;
  /** The manager's department. */
  d1: Department;
  department: Department;
  branch: Branch;
  /** Held by `ownOfficer`, so it cannot be deleted. */
  position: Position;
  ownOfficer: User;
  otherOfficer: User;
  ownManager: User;
  callers: Record<SignedInCaller, { fields: UserOverrides; bearer: string }>;
}

interface Row {
  /** `METHOD /path` under /api/v1, with `{fixture}` placeholders for ids (see TARGETS). */
  route: string;
  /** What sets this row apart from another of the same route, for the test name. */
  note?: string;
  /** The JSON body; fresh (unique names) for every cell. */
  body?: (w: World) => object | Promise<object>;
  /** The call ends the caller's sessions: use a new user with the caller's role and branch. */
  freshCaller?: true;
  expected: Statuses;
}

/** The ids behind the placeholders; `new …` makes a fresh row for each cell. */
const TARGETS: Record<string, (w: World) => string | Promise<string>> = {
  'own-branch officer': (w) => w.ownOfficer.id,
  'other-branch officer': (w) => w.otherOfficer.id,
  'own-branch manager': (w) => w.ownManager.id,
  'new own-branch officer': async (w) =>
    (await createUser(w.t.app, { role: 'officer', branchId: w.b1.id })).id,
  'new other-branch officer': async (w) =>
    (await createUser(w.t.app, { role: 'officer', branchId: w.b2.id })).id,
  department: (w) => w.department.id,
  'new department': async (w) => (await makeDepartment(w.t)).id,
  'department with users': (w) => w.d1.id,
  branch: (w) => w.branch.id,
  'new branch': async (w) => (await makeBranch(w.t)).id,
  'branch with users': (w) => w.b1.id,
  'position held': (w) => w.position.id,
  'new position': async (w) => (await makePosition(w.t)).id,
};

// Bodies: unique per call, so that a 201 is possible in every cell.
async function loginBody(w: World) {
  const user = await createUser(w.t.app, { role: 'officer' });
  return { username: user.username, password: TEST_PASSWORD };
}
async function refreshBody(w: World) {
  const user = await createUser(w.t.app, { role: 'officer' });
  const { refreshToken } = await w.t.app.get(SessionsService).start(user.id, { ip: '127.0.0.1' });
  return { refresh_token: refreshToken };
}
const userEdit = () => ({ first_name: `Edited ${tag()}` });
const unitEdit = () => ({ description: `Edited ${tag()}` });
const newDepartment = () => newDepartmentBody();
const newBranch = () => newBranchBody();
const newPosition = () => newPositionBody();

// prettier-ignore
const ROWS: Row[] = [
  //                                                                                              adm  mgr  off  vwr  anon
  // --- Auth: login, refresh, setup-required and setup-first-admin are public
  { route: 'POST /auth/login', body: loginBody,                                        expected: [200, 200, 200, 200, 200] },
  { route: 'POST /auth/refresh', body: refreshBody,                                    expected: [200, 200, 200, 200, 200] },
  { route: 'POST /auth/logout', freshCaller: true,                                     expected: [204, 204, 204, 204, 401] },
  { route: 'GET /auth/me',                                                             expected: [200, 200, 200, 200, 401] },
  { route: 'GET /auth/setup-required',                                                 expected: [200, 200, 200, 200, 200] },
  // Users exist, so set-up is over for everyone (409), token or not.
  { route: 'POST /auth/setup-first-admin', body: () => newUserBody(),                  expected: [409, 409, 409, 409, 409] },

  // --- Users: admin all; manager officers and viewers of own branch; others only /users/me
  { route: 'GET /users',                                                               expected: [200, 200, 403, 403, 401] },
  { route: 'POST /users', note: '{role: officer, branch: own}',
    body: (w) => newUserBody({ role: 'officer', branch_id: w.b1.id }),                 expected: [201, 201, 403, 403, 401] },
  { route: 'POST /users', note: '{role: admin}',
    body: (w) => newUserBody({ role: 'admin', branch_id: w.b1.id }),                   expected: [201, 403, 403, 403, 401] },
  { route: 'POST /users', note: '{role: manager}',
    body: (w) => newUserBody({ role: 'manager', branch_id: w.b1.id }),                 expected: [201, 403, 403, 403, 401] },
  { route: 'POST /users', note: '{role: officer, branch: other}',
    body: (w) => newUserBody({ role: 'officer', branch_id: w.b2.id }),                 expected: [201, 403, 403, 403, 401] },
  { route: 'GET /users/stats',                                                         expected: [200, 200, 403, 403, 401] },
  { route: 'GET /users/me',                                                            expected: [200, 200, 200, 200, 401] },
  { route: 'PATCH /users/me', body: userEdit,                                          expected: [200, 200, 200, 200, 401] },
  { route: 'PATCH /users/me/change-password', freshCaller: true,
    body: () => ({ old_password: TEST_PASSWORD, new_password: `New-${tag()}-Passw0rd` }), expected: [204, 204, 204, 204, 401] },
  { route: 'GET /users/{own-branch officer}',                                          expected: [200, 200, 403, 403, 401] },
  { route: 'GET /users/{other-branch officer}',                                        expected: [200, 404, 403, 403, 401] },
  { route: 'PATCH /users/{own-branch officer}', body: userEdit,                        expected: [200, 200, 403, 403, 401] },
  { route: 'PATCH /users/{other-branch officer}', body: userEdit,                      expected: [200, 404, 403, 403, 401] },
  { route: 'PATCH /users/{own-branch manager}', body: userEdit,                        expected: [200, 403, 403, 403, 401] },
  { route: 'PUT /users/{own-branch officer}', body: userEdit,                          expected: [200, 200, 403, 403, 401] },
  { route: 'PUT /users/{other-branch officer}', body: userEdit,                        expected: [200, 404, 403, 403, 401] },
  { route: 'DELETE /users/{new own-branch officer}',                                   expected: [204, 204, 403, 403, 401] },
  { route: 'DELETE /users/{new other-branch officer}',                                 expected: [204, 404, 403, 403, 401] },
  { route: 'POST /users/{own-branch officer}/unlock',                                  expected: [204, 204, 403, 403, 401] },
  { route: 'POST /users/{other-branch officer}/unlock',                                expected: [204, 404, 403, 403, 401] },
  { route: 'DELETE /users/{own-branch officer}/sessions',                              expected: [204, 204, 403, 403, 401] },
  { route: 'DELETE /users/{other-branch officer}/sessions',                            expected: [204, 404, 403, 403, 401] },

  // --- Departments: everyone reads (but the staff lists), only admins write ---------
  { route: 'GET /departments',                                                         expected: [200, 200, 200, 200, 401] },
  { route: 'POST /departments', body: newDepartment,                                   expected: [201, 403, 403, 403, 401] },
  { route: 'GET /departments/active',                                                  expected: [200, 200, 200, 200, 401] },
  { route: 'GET /departments/stats',                                                   expected: [200, 200, 200, 200, 401] },
  { route: 'GET /departments/{department}',                                            expected: [200, 200, 200, 200, 401] },
  { route: 'PUT /departments/{department}', body: unitEdit,                            expected: [200, 403, 403, 403, 401] },
  { route: 'PATCH /departments/{department}', body: unitEdit,                          expected: [200, 403, 403, 403, 401] },
  { route: 'DELETE /departments/{new department}',                                     expected: [204, 403, 403, 403, 401] },
  { route: 'DELETE /departments/{department with users}',                              expected: [409, 403, 403, 403, 401] },
  { route: 'PATCH /departments/{new department}/toggle-status',                        expected: [200, 403, 403, 403, 401] },
  { route: 'GET /departments/{department}/stats',                                      expected: [200, 200, 200, 200, 401] },
  // Staff lists need users:read (issue 9, finding 7): officers and viewers may not list users.
  { route: 'GET /departments/{department}/users',                                      expected: [200, 200, 403, 403, 401] },
  { route: 'GET /departments/{department}/with-relations',                             expected: [200, 200, 200, 200, 401] },

  // --- Branches: the same set, without with-relations ------------------------------
  { route: 'GET /branches',                                                            expected: [200, 200, 200, 200, 401] },
  { route: 'POST /branches', body: newBranch,                                          expected: [201, 403, 403, 403, 401] },
  { route: 'GET /branches/active',                                                     expected: [200, 200, 200, 200, 401] },
  { route: 'GET /branches/stats',                                                      expected: [200, 200, 200, 200, 401] },
  { route: 'GET /branches/{branch}',                                                   expected: [200, 200, 200, 200, 401] },
  { route: 'PUT /branches/{branch}', body: () => ({ address: `${tag()} Road` }),       expected: [200, 403, 403, 403, 401] },
  { route: 'PATCH /branches/{branch}', body: () => ({ address: `${tag()} Road` }),     expected: [200, 403, 403, 403, 401] },
  { route: 'DELETE /branches/{new branch}',                                            expected: [204, 403, 403, 403, 401] },
  { route: 'DELETE /branches/{branch with users}',                                     expected: [409, 403, 403, 403, 401] },
  { route: 'PATCH /branches/{new branch}/toggle-status',                               expected: [200, 403, 403, 403, 401] },
  { route: 'GET /branches/{branch}/stats',                                             expected: [200, 200, 200, 200, 401] },
  { route: 'GET /branches/{branch}/users',                                             expected: [200, 200, 403, 403, 401] },

  // --- Positions -------------------------------------------------------------------
  { route: 'GET /positions',                                                           expected: [200, 200, 200, 200, 401] },
  { route: 'POST /positions', body: newPosition,                                       expected: [201, 403, 403, 403, 401] },
  { route: 'GET /positions/{position held}',                                           expected: [200, 200, 200, 200, 401] },
  { route: 'PUT /positions/{position held}', body: unitEdit,                           expected: [200, 403, 403, 403, 401] },
  { route: 'PATCH /positions/{position held}', body: unitEdit,                         expected: [200, 403, 403, 403, 401] },
  { route: 'DELETE /positions/{new position}',                                         expected: [204, 403, 403, 403, 401] },
  { route: 'DELETE /positions/{position held}',                                        expected: [409, 403, 403, 403, 401] },
];

/** Operations that need no token (SPEC §7: the public auth routes, health and service info). */
const PUBLIC_OPERATIONS = [
  'GET /',
  'GET /health',
  'GET /api/v1/health',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
  'GET /api/v1/auth/setup-required',
  'POST /api/v1/auth/setup-first-admin',
  // Enums hold no personal data; the sign-in and set-up pages use them.
  'GET /api/v1/enums/id-card-types',
  'GET /api/v1/enums/loan-statuses',
  'GET /api/v1/enums/loan-purposes',
  'GET /api/v1/enums/product-types',
  'GET /api/v1/enums/all',
];

const MODULES = /^\/api\/v1\/(auth|users|departments|branches|positions)(\/|$)/;
const HTTP_METHODS: readonly string[] = ['get', 'post', 'put', 'patch', 'delete'];

interface Operation {
  operationId?: string;
  summary?: string;
  security?: Record<string, string[]>[];
}

function operationsOf(doc: { paths: Record<string, Record<string, Operation>> }) {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, path, op })),
  );
}

function splitRoute(route: string): { method: Method; path: string } {
  const space = route.indexOf(' ');
  return { method: route.slice(0, space).toLowerCase() as Method, path: route.slice(space + 1) };
}

describe('RBAC matrix: role × route for auth, users, departments, branches, positions', () => {
  const w = {} as World;

  beforeAll(async () => {
    w.t = await createTestApp();
    [w.b1, w.b2, w.d1, w.department, w.branch, w.position] = await Promise.all([
      makeBranch(w.t),
      makeBranch(w.t),
      makeDepartment(w.t),
      makeDepartment(w.t),
      makeBranch(w.t),
      makePosition(w.t),
    ]);
    const fields: Record<SignedInCaller, UserOverrides> = {
      admin: { role: 'admin' },
      manager: { role: 'manager', branchId: w.b1.id, departmentId: w.d1.id },
      officer: { role: 'officer', branchId: w.b1.id },
      viewer: { role: 'viewer', branchId: w.b1.id },
    };
    w.callers = {} as World['callers'];
    for (const caller of Object.keys(fields) as SignedInCaller[]) {
      w.callers[caller] = {
        fields: fields[caller],
        bearer: (await w.t.signIn(fields[caller])).bearer,
      };
    }
    w.ownOfficer = await createUser(w.t.app, {
      role: 'officer',
      branchId: w.b1.id,
      positionId: w.position.id,
    });
    w.otherOfficer = await createUser(w.t.app, { role: 'officer', branchId: w.b2.id });
    w.ownManager = await createUser(w.t.app, { role: 'manager', branchId: w.b1.id });
  });
  afterAll(() => w.t?.close());

  async function resolvePath(template: string): Promise<string> {
    let path = template;
    for (const [, name] of template.matchAll(/\{([^}]+)\}/g)) {
      const target = TARGETS[name];
      if (!target) throw new Error(`No fixture for {${name}} in ${template}`);
      path = path.replace(`{${name}}`, await target(w));
    }
    return `/api/v1${path}`;
  }

  async function bearerOf(row: Row, caller: Caller): Promise<string | undefined> {
    if (caller === 'anonymous') return undefined;
    if (!row.freshCaller) return w.callers[caller].bearer;
    return (await w.t.signIn(w.callers[caller].fields)).bearer;
  }

  const send = (method: Method, url: string, bearer?: string, body?: object) =>
    requestsAs(w.t, bearer ?? null, '').send(method, url, body);

  /**
   * What a write would change, as the admin sees it: the version of the object in the path,
   * or how many rows carry the name being created. A refused write must leave it as it was.
   */
  async function traceOf(url: string, body?: object): Promise<unknown> {
    const admin = w.callers.admin.bearer;
    const object = /^\/api\/v1\/[a-z]+\/[0-9a-f-]{36}/.exec(url)?.[0];
    if (object) {
      const res = await send('get', object, admin);
      return { status: res.status, version: res.body.version, updated_at: res.body.updated_at };
    }
    const fields = (body ?? {}) as { username?: string; name?: string };
    const name = fields.username ?? fields.name;
    if (!name) return null;
    const module = url.split('/')[3] === 'auth' ? 'users' : url.split('/')[3];
    const res = await send('get', `/api/v1/${module}?search=${encodeURIComponent(name)}`, admin);
    return { status: res.status, total: res.body.total };
  }

  const cells = ROWS.flatMap((row) =>
    CALLERS.map((caller, index) => ({
      name: `${row.route}${row.note ? ` ${row.note}` : ''} as ${caller} → ${row.expected[index]}`,
      row,
      caller,
      status: row.expected[index],
    })),
  );

  it.each(cells)('$name', async ({ row, caller, status }) => {
    const { method, path } = splitRoute(row.route);
    const url = await resolvePath(path);
    const body = row.body ? await row.body(w) : undefined;
    const refusedWrite = status >= 400 && method !== 'get';
    const before = refusedWrite ? await traceOf(url, body) : undefined;
    const res = await send(method, url, await bearerOf(row, caller), body);
    // The refusal's detail, if any, shows in the failure message.
    expect({ status: res.status, detail: isProblem(res) ? res.body.detail : undefined }).toEqual({
      status,
      detail: status >= 400 ? expect.any(String) : undefined,
    });
    if (status === 401) expect(res.headers['www-authenticate']).toBe('Bearer');
    if (refusedWrite) expect(await traceOf(url, body)).toEqual(before);
  });

  it('has a row for every operation the OpenAPI document lists for these modules', async () => {
    const doc = (await w.t.http.get('/docs-json').expect(200)).body;
    const documented = operationsOf(doc)
      .filter(({ path }) => MODULES.test(path))
      .map(({ key }) => key);
    const covered = ROWS.map((row) => {
      const { method, path } = splitRoute(row.route);
      return `${method.toUpperCase()} /api/v1${path.replace(/\{[^}]+\}/g, '{id}')}`;
    });
    expect(documented.length).toBeGreaterThan(40);
    expect([...new Set(documented)].sort()).toEqual([...new Set(covered)].sort());
  });

  it('OpenAPI: every operation but the public ones declares security; all have an operationId and a summary', async () => {
    const doc = (await w.t.http.get('/docs-json').expect(200)).body;
    const operations = operationsOf(doc);
    const keys = operations.map(({ key }) => key);
    expect(keys).toEqual(expect.arrayContaining(PUBLIC_OPERATIONS));
    const problems: string[] = [];
    for (const { key, op } of operations) {
      const requirements = (op.security ?? []).filter((item) => Object.keys(item).length > 0);
      const isPublic = PUBLIC_OPERATIONS.includes(key);
      if (!isPublic && !requirements.some((item) => 'bearer' in item)) {
        problems.push(`${key}: no bearer security`);
      }
      if (isPublic && requirements.length > 0) {
        problems.push(`${key}: public but declares security`);
      }
      if (typeof op.operationId !== 'string' || !op.operationId) {
        problems.push(`${key}: no operationId`);
      }
      if (typeof op.summary !== 'string' || !op.summary.trim()) problems.push(`${key}: no summary`);
    }
    expect(problems).toEqual([]);
  });
});
