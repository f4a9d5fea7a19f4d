/**
 * The OpenAPI document as `npm run openapi` writes it (the compiled generator, which needs no
 * database: a Nest preview application). It must be valid, deterministic and complete for an
 * integrator: every operation named, summarised, tagged, secured or marked public (`security:
 * []`), its body and success answer described by a schema, its error answers by the one problem
 * document schema, and ids, dates and times with their formats.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GENERATOR = join(__dirname, '..', '..', 'dist', 'src', 'openapi.js');
const PROBLEM_REF = '#/components/schemas/ProblemDocumentDto';
/** Documented as they are (probes, scrapes, the service's name); the docs routes are not in it. */
const EXEMPT_PATHS = new Set(['/', '/health', '/api/v1/health', '/metrics']);
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/**
 * Fields whose names look like ids, times or dates but are not UUIDs / ISO values, with why.
 * Keys are `Schema.property`, or a bare name for every schema and parameter.
 */
const NOT_FORMATTED: Record<string, string> = {
  request_id: 'the X-Request-Id, which a caller may choose ([A-Za-z0-9._-]{1,128})',
  employee_id: 'four digits',
  account_id: "the institution's account number, free text",
  client_id: "OAuth2's password grant form field, ignored",
  entity_id: 'a record id, or the key of a record named by key (settings)',
  'DocumentReferenceDto.file_id': 'the documents list is written by clients as they like',
  'DocumentReferenceDto.uploaded_at': 'the documents list is written by clients as they like',
};

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = Record<string, any>;

function generate(out: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [GENERATOR, '--out', out], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`openapi exited ${code}: ${stderr}`)),
    );
  });
}

/** The format a field's name promises, unless NOT_FORMATTED says otherwise. */
function expectedFormat(name: string, schemaName?: string): string | undefined {
  if (NOT_FORMATTED[name] || (schemaName && NOT_FORMATTED[`${schemaName}.${name}`])) return;
  if (name === 'id' || name.endsWith('_id')) return 'uuid';
  if (name.endsWith('_at') || name === 'updated_since') return 'date-time';
  if (name.endsWith('_date') || name === 'date_of_birth') return 'date';
  return undefined;
}

describe('OpenAPI document (npm run openapi)', () => {
  const directory = mkdtempSync(join(tmpdir(), 'openapi-'));
  const files = [join(directory, 'first.json'), join(directory, 'second.json')];
  let document: Json;
  let operations: { key: string; path: string; method: string; op: Json }[];

  beforeAll(async () => {
    await Promise.all(files.map(generate));
    document = JSON.parse(readFileSync(files[0], 'utf8')) as Json;
    operations = Object.entries(document.paths as Json)
      .filter(([path]) => !EXEMPT_PATHS.has(path))
      .flatMap(([path, item]) =>
        METHODS.filter((method) => item[method]).map((method) => ({
          key: `${method.toUpperCase()} ${path}`,
          path,
          method,
          op: item[method] as Json,
        })),
      );
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('is byte-identical when generated twice', () => {
    expect(readFileSync(files[1])).toEqual(readFileSync(files[0]));
  });

  it('is a valid OpenAPI 3 document (swagger-parser)', async () => {
    expect(document.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(files[0])).resolves.toBeDefined();
    expect(operations.length).toBeGreaterThan(100);
  });

  it('names, summarises, tags and secures every operation (public ones say security: [])', () => {
    const faults: string[] = [];
    const ids = operations.map(({ op }) => op.operationId as string);
    for (const { key, op } of operations) {
      if (typeof op.operationId !== 'string' || !/^[a-z][a-z0-9_]*$/.test(op.operationId)) {
        faults.push(`${key}: operationId ${op.operationId}`);
      }
      if (typeof op.summary !== 'string' || !op.summary.trim()) faults.push(`${key}: summary`);
      if (!Array.isArray(op.tags) || op.tags.length === 0) faults.push(`${key}: tag`);
      if (!Array.isArray(op.security)) faults.push(`${key}: neither security nor public`);
      else if (op.security.length > 0 && !op.security.some((item: Json) => 'bearer' in item)) {
        faults.push(`${key}: security without the bearer scheme`);
      }
    }
    // The marker @Public() leaves for the builder is gone everywhere, exempt routes included.
    for (const [path, item] of Object.entries(document.paths as Json)) {
      for (const [method, op] of Object.entries(item as Json)) {
        if (Object.keys(op as Json).some((name) => name.startsWith('x-'))) {
          faults.push(`${method.toUpperCase()} ${path}: x- marker`);
        }
      }
    }
    expect(faults).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    const publicOnes = operations
      .filter(({ op }) => op.security?.length === 0)
      .map(({ key }) => key);
    expect(publicOnes).toEqual(
      expect.arrayContaining(['POST /api/v1/auth/login', 'POST /api/v1/auth/refresh']),
    );
    expect(operations.find(({ key }) => key === 'GET /api/v1/auth/me')!.op.security).toEqual(
      expect.arrayContaining([{ bearer: [] }]),
    );
  });

  it('describes every request body and every success answer (but 204) with a schema', () => {
    const faults: string[] = [];
    for (const { key, op } of operations) {
      if (op.requestBody) {
        const media = Object.entries((op.requestBody.content ?? {}) as Json);
        if (media.length === 0) faults.push(`${key}: request body without content`);
        for (const [type, content] of media) {
          if (!content.schema) faults.push(`${key}: request body ${type} without schema`);
        }
      }
      const successes = Object.keys(op.responses as Json).filter((status) => /^2/.test(status));
      if (successes.length === 0) faults.push(`${key}: no success answer`);
      for (const status of successes.filter((status) => status !== '204')) {
        const media = Object.entries((op.responses[status].content ?? {}) as Json);
        if (media.length === 0) faults.push(`${key}: ${status} without content`);
        for (const [type, content] of media) {
          if (!content.schema) faults.push(`${key}: ${status} ${type} without schema`);
        }
      }
    }
    expect(faults).toEqual([]);
  });

  it('answers errors with the one problem-document schema (errors[] for 422)', () => {
    const problem = document.components.schemas.ProblemDocumentDto as Json;
    expect(problem.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail']));
    expect(problem.properties.errors.type).toBe('array');
    expect(document.components.schemas.FieldErrorDto.required).toEqual(
      expect.arrayContaining(['loc', 'msg', 'type']),
    );
    const faults: string[] = [];
    for (const { key, op } of operations) {
      const statuses = Object.keys(op.responses as Json);
      for (const status of statuses.filter((code) => /^[45]/.test(code))) {
        const content = (op.responses[status].content ?? {}) as Json;
        const ref = content['application/problem+json']?.schema?.$ref;
        if (Object.keys(content).length !== 1 || ref !== PROBLEM_REF) {
          faults.push(`${key}: ${status} is not a problem document`);
        }
      }
      // What the platform gives any route: the rate limit; for a session, 401.
      if (!statuses.includes('429')) faults.push(`${key}: no 429`);
      if (op.security?.length && !statuses.includes('401')) faults.push(`${key}: no 401`);
      if (op.requestBody && !statuses.includes('422')) faults.push(`${key}: body but no 422`);
    }
    expect(faults).toEqual([]);
  });

  it('gives ids, times and dates their formats (uuid, date-time, date)', () => {
    const faults: string[] = [];
    const seen = new Set<string>();
    const check = (where: string, name: string, schema: Json, schemaName?: string) => {
      const expected = expectedFormat(name, schemaName);
      const target = schema.type === 'array' ? (schema.items as Json) : schema;
      if (target?.format) seen.add(target.format as string);
      if (!expected || !target || target.$ref || target.allOf) return;
      if (target.type !== 'string' || target.format !== expected) {
        faults.push(`${where}: ${target.type}/${target.format}, expected ${expected}`);
      }
    };
    const walk = (where: string, schema: Json, schemaName: string) => {
      for (const [name, property] of Object.entries((schema.properties ?? {}) as Json)) {
        check(`${where}.${name}`, name, property as Json, schemaName);
        walk(`${where}.${name}`, property as Json, schemaName);
        if ((property as Json).items)
          walk(`${where}.${name}[]`, (property as Json).items, schemaName);
      }
    };
    for (const [name, schema] of Object.entries(document.components.schemas as Json)) {
      walk(name, schema as Json, name);
    }
    for (const { key, op } of operations) {
      for (const parameter of (op.parameters ?? []) as Json[]) {
        if (!parameter.schema || parameter.schema.$ref) {
          faults.push(`${key} ${parameter.name}: parameter without an inline type`);
          continue;
        }
        // A range of days or of instants: either is right for its route.
        if (/^date_(from|to)$/.test(parameter.name as string)) {
          if (!['date', 'date-time'].includes(parameter.schema.format as string)) {
            faults.push(`${key} ${parameter.name}: ${parameter.schema.format}`);
          }
          continue;
        }
        check(
          `${key} ${parameter.in}:${parameter.name}`,
          parameter.name as string,
          parameter.schema,
        );
      }
    }
    expect(faults).toEqual([]);
    expect([...seen]).toEqual(expect.arrayContaining(['uuid', 'date', 'date-time']));
    // Path ids in particular (a malformed one is 422).
    const approve = document.paths['/api/v1/applications/{id}/approve'].patch as Json;
    expect(approve.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          in: 'path',
          name: 'id',
          schema: { type: 'string', format: 'uuid' },
        }),
      ]),
    );
  });
});
