/**
 * The rows of `npm run bench`: one autocannon request template each, varied per request where
 * the brief asks for it (pages, filters, search terms, ids, one draft per submit).
 */
import { APPLICATION_STATUSES } from '../../src/enums/code-enums';

export const API = '/api/v1';

/** The part of an autocannon request this bench uses. */
export interface LoadRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: LoadRequest, context: Record<string, unknown>) => LoadRequest;
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
}

export interface RowContext {
  base: string;
  tokens: { admin: string; manager: string; officer: string; viewer: string };
  /** One token per branch manager: exports run one per user at a time. */
  managerTokens: string[];
  /** Application ids spread over the table, for the reads by id. */
  ids: string[];
  /** Complete drafts of the officer, one per submit (app-create adds to it). */
  drafts: string[];
}

export interface Row {
  name: string;
  /** What it requests, for the report. */
  what: string;
  /** The connections used at a level (the export is capped by the number of managers). */
  connections?: (level: number, context: RowContext) => number;
  /** autocannon's per-request timeout, seconds (default 10). */
  timeoutSeconds?: number;
  request(context: RowContext, control: { stop(note: string): void }): LoadRequest;
}

const STATUSES = APPLICATION_STATUSES.map((status) => status.value);
/** The default catalogue's product types (src/settings/settings-registry.ts), as seeded. */
const PRODUCT_TYPES = ['monthly_loan', 'biweekly_loan', 'weekly_loan', 'daily_loan'];
/** Family and given names the demo seed uses (src/seed/demo-population.ts), lower case. */
const SEARCH_TERMS = ['dara', 'sok', 'chan', 'sophal', 'heng', 'bopha', 'kim', 'vannak'];

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const json = (token: string) => ({ ...bearer(token), 'Content-Type': 'application/json' });

/** YYYY-MM-DD, `days` before today. */
function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

/** A request whose path changes on every call (`i` = 0, 1, ... across all connections). */
function varied(headers: Record<string, string>, path: (i: number) => string): LoadRequest {
  let i = 0;
  return {
    method: 'GET',
    headers,
    setupRequest: (request) => ({ ...request, path: path(i++) }),
  };
}

/** Page 1..50 of 20, and in turn no filter, a status, a 30-day window, a product type. */
export function listPath(i: number): string {
  const page = 1 + ((i * 7) % 50);
  const base = `${API}/applications?size=20&page=${page}`;
  switch (i % 4) {
    case 1:
      return `${base}&status=${STATUSES[i % STATUSES.length]}`;
    case 2: {
      const end = (i * 13) % 330;
      return `${base}&date_from=${daysAgo(end + 30)}&date_to=${daysAgo(end)}`;
    }
    case 3:
      return `${base}&product_type=${PRODUCT_TYPES[i % PRODUCT_TYPES.length]}`;
    default:
      return base;
  }
}

let idNumbers = Date.now() % 100_000_000;

/** A complete draft (every field the default submit check needs), with a fresh id number. */
export function draftBody(): string {
  idNumbers = (idNumbers + 1) % 100_000_000;
  return JSON.stringify({
    id_card_type: 'cambodian_identity',
    id_number: `9${String(idNumbers).padStart(8, '0')}`,
    full_name_latin: 'Bench Dara',
    full_name_khmer: 'សុខ ដារា',
    phone: '012 345 678',
    date_of_birth: '1990-04-15',
    current_address: 'Street 271, Phnom Penh',
    occupation: 'Shop owner',
    monthly_income: 1200,
    income_source: 'business',
    requested_amount: 5000,
    loan_purposes: ['commerce'],
    product_type: 'monthly_loan',
    desired_loan_term: '12_months',
    interest_rate: 18,
  });
}

const listRow = (role: keyof RowContext['tokens']): Row => ({
  name: `apps-${role}`,
  what: `GET /applications as ${role}, size 20, pages 1..50, filters varied (none, status, 30-day window, product_type)`,
  request: (c) => varied(bearer(c.tokens[role]), listPath),
});

export const ROWS: Row[] = [
  {
    name: 'health',
    what: 'GET /health (plain Express route, no Nest)',
    request: () => ({ method: 'GET', path: '/health' }),
  },
  {
    name: 'root',
    what: 'GET / (trivial public Nest route, no database)',
    request: () => ({ method: 'GET', path: '/' }),
  },
  {
    name: 'auth-trivial',
    what: 'GET /api/v1/auth/me as the officer (the cheapest authenticated route: the caller)',
    request: (c) => ({ method: 'GET', path: `${API}/auth/me`, headers: bearer(c.tokens.officer) }),
  },
  {
    name: 'users-list',
    what: 'GET /users as admin, size 20, pages 1..3',
    request: (c) =>
      varied(bearer(c.tokens.admin), (i) => `${API}/users?size=20&page=${1 + (i % 3)}`),
  },
  listRow('admin'),
  listRow('manager'),
  listRow('officer'),
  listRow('viewer'),
  {
    name: 'apps-search',
    what: `GET /applications?search=<name> as manager, size 20, terms varied (${SEARCH_TERMS.join(', ')})`,
    request: (c) =>
      varied(
        bearer(c.tokens.manager),
        (i) => `${API}/applications?size=20&search=${SEARCH_TERMS[i % SEARCH_TERMS.length]}`,
      ),
  },
  {
    name: 'apps-deep',
    what: 'GET /applications?page=2000&size=20 as admin (offset 39,980)',
    request: (c) => ({
      method: 'GET',
      path: `${API}/applications?size=20&page=2000`,
      headers: bearer(c.tokens.admin),
    }),
  },
  {
    name: 'app-get',
    what: 'GET /applications/{id} as admin, ids varied (1,000 spread over the table)',
    request: (c) =>
      varied(bearer(c.tokens.admin), (i) => `${API}/applications/${c.ids[i % c.ids.length]}`),
  },
  {
    name: 'cards',
    what: 'GET /applications/cards as manager, size 20, pages 1..20',
    request: (c) =>
      varied(
        bearer(c.tokens.manager),
        (i) => `${API}/applications/cards?size=20&page=${1 + (i % 20)}`,
      ),
  },
  {
    name: 'stats-admin',
    what: 'GET /applications/stats as admin (unfiltered)',
    request: (c) => ({
      method: 'GET',
      path: `${API}/applications/stats`,
      headers: bearer(c.tokens.admin),
    }),
  },
  {
    name: 'stats-manager',
    what: 'GET /applications/stats as manager (unfiltered)',
    request: (c) => ({
      method: 'GET',
      path: `${API}/applications/stats`,
      headers: bearer(c.tokens.manager),
    }),
  },
  {
    name: 'app-create',
    what: 'POST /applications as officer, a complete draft (fresh id number each); the ids feed app-submit',
    request: (c) => ({
      method: 'POST',
      path: `${API}/applications`,
      headers: json(c.tokens.officer),
      setupRequest: (request) => ({ ...request, body: draftBody() }),
      onResponse: (status, body) => {
        if (status === 201) c.drafts.push((JSON.parse(body) as { id: string }).id);
      },
    }),
  },
  {
    name: 'app-submit',
    what: "PATCH /applications/{id}/submit as officer, one of the officer's complete drafts per request",
    request: (c, control) => ({
      method: 'PATCH',
      headers: json(c.tokens.officer),
      body: '{}',
      setupRequest: (request) => {
        const id = c.drafts.pop();
        if (id) return { ...request, path: `${API}/applications/${id}/submit` };
        control.stop('draft pool exhausted: stopped early');
        // Answered 404 (counted as non-2xx) while the run stops.
        return {
          ...request,
          path: `${API}/applications/00000000-0000-4000-8000-000000000000/submit`,
        };
      },
    }),
  },
  {
    name: 'export',
    what:
      'GET /applications/export/csv?status=<varied> as the branch managers: each request takes the manager ' +
      'idle longest (one export per user runs at a time), so connections are capped at the number of managers − 2',
    connections: (level, c) => Math.max(1, Math.min(level, c.managerTokens.length - 2)),
    timeoutSeconds: 60,
    request: (c) => {
      let i = 0;
      const idle = [...c.managerTokens];
      return {
        method: 'GET',
        setupRequest: (request, context) => {
          // The context lives for one request (autocannon resets it when it loops).
          const token = idle.shift() ?? c.managerTokens[i % c.managerTokens.length];
          context.token = token;
          const status = STATUSES[i++ % STATUSES.length];
          return {
            ...request,
            path: `${API}/applications/export/csv?status=${status}`,
            headers: bearer(token),
          };
        },
        onResponse: (_status, _body, context) => {
          if (typeof context.token === 'string') idle.push(context.token);
        },
      };
    },
  },
];

/** `login` is not an autocannon row: see login-loops.ts. */
export const ROW_NAMES = [...ROWS.map((row) => row.name), 'login'];

/** `--only a,b`: a name, or a prefix before a dash (`apps` = every apps-* row, `stats`). */
export function selectRows(only: string[] | undefined): string[] {
  if (!only?.length) return ROW_NAMES;
  const unknown = only.filter(
    (token) => !ROW_NAMES.some((name) => name === token || name.startsWith(`${token}-`)),
  );
  if (unknown.length)
    throw new Error(`--only: unknown row ${unknown.join(', ')} (rows: ${ROW_NAMES.join(', ')})`);
  return ROW_NAMES.filter((name) =>
    only.some((token) => name === token || name.startsWith(`${token}-`)),
  );
}
