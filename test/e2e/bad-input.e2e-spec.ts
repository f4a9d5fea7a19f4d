import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { problemFaults } from '../harness/expect';
import { requestsAs } from '../harness/http';
import { createUser } from '../harness/identity';
import { makeBranch, makeDepartment, makePosition } from '../harness/organisation-fixtures';
import { createTestApp, type TestApp } from '../harness/test-app';

/**
 * Bad input on every route of auth, users, the organisation, customers and applications (SPEC §3):
 * malformed and unknown ids in paths, unknown fields, wrong types, huge strings and bodies
 * that are not JSON. The routes come from the OpenAPI document, so a new route is covered
 * (or fails here) without anyone remembering to add it.
 */

const MODULES =
  /^\/api\/v1\/(auth|users|departments|branches|positions|customers|applications)(\/|$)/;
const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type Method = (typeof HTTP_METHODS)[number];

/**
 * The first string field of each JSON body, by operationId (written from the DTOs, checked
 * against the OpenAPI schema below).
 */
const STRING_FIELD: Record<string, string> = {
  auth_login: 'username',
  auth_refresh: 'refresh_token',
  auth_setup_first_admin: 'username',
  users_create: 'username',
  users_update_me: 'first_name',
  users_change_password: 'old_password',
  users_update: 'username',
  users_update_put: 'username',
  departments_create: 'name',
  departments_update: 'name',
  departments_update_put: 'name',
  branches_create: 'name',
  branches_update: 'name',
  branches_update_put: 'name',
  positions_create: 'name',
  positions_update: 'name',
  positions_update_put: 'name',
  customers_create: 'full_name_latin',
  customers_update: 'full_name_latin',
  applications_create: 'full_name_latin',
  applications_update: 'full_name_latin',
  applications_update_put: 'full_name_latin',
  applications_reassign: 'from_user_id',
  applications_submit: 'comment',
  applications_assign_reviewer: 'reviewer_id',
  applications_complete_review: 'comment',
  applications_assess_risk: 'assessment_notes',
  applications_approve: 'comment',
  applications_reject: 'rejection_reason',
  applications_return: 'reason',
  applications_withdraw: 'reason',
  applications_disburse: 'comment',
  applications_complete: 'comment',
  applications_priority: 'priority_level',
};

/** A valid body for the routes whose body has required fields (else `{}` is valid). */
const VALID_BODY: Record<string, object> = {
  applications_reject: { rejection_reason: 'Income not verified' },
  applications_return: { reason: 'Add a guarantor' },
};

const UNKNOWN_FIELD = 'not_a_field';
const HUGE = 'x'.repeat(100 * 1024);

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  allOf?: Schema[];
}

interface Operation {
  operationId: string;
  requestBody?: { content: Record<string, { schema: Schema }> };
}

interface Route {
  method: Method;
  /** The OpenAPI path, e.g. `/api/v1/users/{id}`. */
  path: string;
  operationId: string;
  bodySchema?: Schema;
}

interface FieldError {
  loc: (string | number)[];
  type: string;
}

const label = (route: Route) => `${route.method.toUpperCase()} ${route.path}`;
const hasBody = (method: Method) => method === 'post' || method === 'put' || method === 'patch';

describe('Bad input on auth, users, departments, branches, positions, customers and applications', () => {
  let t: TestApp;
  let admin: string;
  let routes: Route[];
  let schemas: Record<string, Schema>;
  const realIds: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp();
    admin = (await t.signIn('admin')).bearer;
    const [officer, department, branch, position] = await Promise.all([
      createUser(t.app, { role: 'officer' }),
      makeDepartment(t),
      makeBranch(t),
      makePosition(t),
    ]);
    const application = await t.http
      .post('/api/v1/applications')
      .set('Authorization', admin)
      .send({ id_card_type: 'passport', id_number: `N${Date.now()}`, full_name_latin: 'Sok Dara' })
      .expect(201);
    Object.assign(realIds, {
      applications: application.body.id,
      customers: application.body.customer_id,
      users: officer.id,
      departments: department.id,
      branches: branch.id,
      positions: position.id,
    });
    const doc = (await t.http.get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, Schema> };
    };
    schemas = doc.components.schemas;
    routes = Object.entries(doc.paths)
      .filter(([path]) => MODULES.test(path))
      .flatMap(([path, item]) =>
        HTTP_METHODS.filter((method) => item[method]).map((method) => ({
          method,
          path,
          operationId: item[method].operationId,
          bodySchema: item[method].requestBody?.content['application/json']?.schema,
        })),
      );
  });
  afterAll(() => t?.close());

  const paramsOf = (path: string) => [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);

  /** The path with every parameter given `value`, or (undefined) the real id of its module. */
  function concrete(path: string, value?: string): string {
    const module = MODULES.exec(path)?.[1] ?? '';
    return path.replace(/\{[^}]+\}/g, () => value ?? realIds[module]);
  }

  function send(route: Route, url: string, body?: object | string) {
    const headers: Record<string, string> =
      typeof body === 'string' ? { 'Content-Type': 'application/json' } : {};
    return requestsAs(t, admin, '').send(route.method, url, body, headers);
  }

  /**
   * What is wrong with an answer, as sentences (empty when it is right): never a 5xx; an error
   * is a whole problem document (`problemFaults`).
   */
  function issuesOf(res: Response, what: string, status: number): string[] {
    const issues: string[] = [];
    const detail = typeof res.body?.detail === 'string' ? `: ${res.body.detail}` : '';
    if (res.status !== status) issues.push(`${what} → ${res.status}, expected ${status}${detail}`);
    if (res.status >= 400) issues.push(...problemFaults(res).map((fault) => `${what}: ${fault}`));
    return issues;
  }

  function names(res: Response, field: string, type?: string): boolean {
    const errors = (res.body?.errors ?? []) as FieldError[];
    return errors.some(
      (error) =>
        error.loc[0] === 'body' &&
        error.loc[1] === field &&
        (type === undefined || error.type === type),
    );
  }

  function resolve(schema: Schema): Schema {
    if (schema.$ref) return resolve(schemas[schema.$ref.replace('#/components/schemas/', '')]);
    if (schema.allOf) {
      return {
        properties: Object.assign({}, ...schema.allOf.map((part) => resolve(part).properties)),
      };
    }
    return schema;
  }

  const idRoutes = () => routes.filter((route) => paramsOf(route.path).length > 0);
  const bodyRoutes = () => routes.filter((route) => route.bodySchema);

  describe('ids in paths', () => {
    it('finds the routes that take an id in the OpenAPI document', () => {
      const paths = idRoutes().map(label);
      expect(paths).toEqual(
        expect.arrayContaining([
          'GET /api/v1/users/{id}',
          'DELETE /api/v1/users/{id}/sessions',
          'PATCH /api/v1/departments/{id}/toggle-status',
          'GET /api/v1/departments/{id}/with-relations',
          'GET /api/v1/branches/{id}/users',
          'DELETE /api/v1/positions/{id}',
        ]),
      );
      expect(paths.length).toBeGreaterThanOrEqual(25);
    });

    it.each([
      ['not-a-uuid', 'not-a-uuid'],
      ['a UUID with a bad character', `${randomUUID().slice(0, 35)}g`],
    ])('answers a malformed UUID (%s) with 422 at [path, <param>]', async (_name, value) => {
      const issues: string[] = [];
      for (const route of idRoutes()) {
        const res = await send(
          route,
          concrete(route.path, value),
          hasBody(route.method) ? {} : undefined,
        );
        const what = `${label(route)} with ${value}`;
        issues.push(...issuesOf(res, what, 422));
        const loc = res.body?.errors?.[0]?.loc;
        const expected = ['path', paramsOf(route.path)[0]];
        if (JSON.stringify(loc) !== JSON.stringify(expected)) {
          issues.push(
            `${what}: errors[0].loc ${JSON.stringify(loc)}, expected ${JSON.stringify(expected)}`,
          );
        }
      }
      expect(issues).toEqual([]);
    });

    it('answers a well-formed UUID that does not exist with 404', async () => {
      const issues: string[] = [];
      for (const route of idRoutes()) {
        const res = await send(
          route,
          concrete(route.path, randomUUID()),
          hasBody(route.method) ? (VALID_BODY[route.operationId] ?? {}) : undefined,
        );
        issues.push(...issuesOf(res, `${label(route)} with an unknown id`, 404));
      }
      expect(issues).toEqual([]);
    });
  });

  describe('JSON bodies', () => {
    it('knows the first string field of every JSON body the OpenAPI document lists', () => {
      const documented = bodyRoutes().map((route) => route.operationId);
      expect(documented.sort()).toEqual(Object.keys(STRING_FIELD).sort());
      for (const route of bodyRoutes()) {
        const field = STRING_FIELD[route.operationId];
        const properties = resolve(route.bodySchema as Schema).properties ?? {};
        expect({ route: label(route), field, type: properties[field]?.type }).toEqual({
          route: label(route),
          field,
          type: 'string',
        });
      }
    });

    it('refuses an unknown field with 422 naming it (unknown_field)', async () => {
      const issues: string[] = [];
      for (const route of bodyRoutes()) {
        const res = await send(route, concrete(route.path), { [UNKNOWN_FIELD]: 'x' });
        const what = `${label(route)} with ${UNKNOWN_FIELD}`;
        issues.push(...issuesOf(res, what, 422));
        if (!names(res, UNKNOWN_FIELD, 'unknown_field')) issues.push(`${what}: field not named`);
      }
      expect(issues).toEqual([]);
    });

    it('refuses a number where a string is expected with 422 naming the field', async () => {
      const issues: string[] = [];
      for (const route of bodyRoutes()) {
        const field = STRING_FIELD[route.operationId];
        const res = await send(route, concrete(route.path), { [field]: 12345 });
        const what = `${label(route)} with ${field}: 12345`;
        issues.push(...issuesOf(res, what, 422));
        if (!names(res, field)) issues.push(`${what}: field not named`);
      }
      expect(issues).toEqual([]);
    });

    it('refuses a 100 kB string with 422 naming the field', async () => {
      const issues: string[] = [];
      for (const route of bodyRoutes()) {
        const field = STRING_FIELD[route.operationId];
        const res = await send(route, concrete(route.path), { [field]: HUGE });
        const what = `${label(route)} with a 100 kB ${field}`;
        issues.push(...issuesOf(res, what, 422));
        if (!names(res, field)) issues.push(`${what}: field not named`);
      }
      expect(issues).toEqual([]);
    });

    it('answers a body that is not JSON with 400', async () => {
      const issues: string[] = [];
      for (const route of bodyRoutes()) {
        const res = await send(route, concrete(route.path), '{bad');
        issues.push(...issuesOf(res, `${label(route)} with {bad`, 400));
      }
      expect(issues).toEqual([]);
    });
  });
});
