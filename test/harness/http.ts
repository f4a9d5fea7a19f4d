import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Test } from 'supertest';
import { expectStatus } from './expect';
import { TEST_PASSWORD } from './identity';
import type { TestApp } from './test-app';

/** Who sends a request: a signed-in actor, an `Authorization` header value, or nobody. */
export type Caller = { bearer: string } | string | null;

export type Method = 'get' | 'head' | 'post' | 'put' | 'patch' | 'delete';

type Query = Record<string, string | number | boolean>;
type Headers = Record<string, string>;

/**
 * Requests as `caller` to paths under `prefix` (the API's `/api/v1` unless told): the shortcut
 * every suite takes instead of repeating `t.http.<method>(…).set('Authorization', …)`. A body is
 * sent only when one is given.
 */
export function requestsAs(t: TestApp, caller: Caller, prefix = '/api/v1') {
  const bearer = caller === null || typeof caller === 'string' ? caller : caller.bearer;
  const send = (method: Method, path: string, body?: object | string, headers: Headers = {}) => {
    const request: Test = t.http[method](`${prefix}${path}`).set({
      ...(bearer ? { Authorization: bearer } : {}),
      ...headers,
    });
    return body === undefined ? request : request.send(body);
  };
  return {
    send,
    get: (path: string, query?: Query, headers?: Headers) => {
      const request = send('get', path, undefined, headers);
      return query ? request.query(query) : request;
    },
    post: (path: string, body?: object, headers?: Headers) => send('post', path, body, headers),
    put: (path: string, body?: object, headers?: Headers) => send('put', path, body, headers),
    patch: (path: string, body?: object, headers?: Headers) => send('patch', path, body, headers),
    delete: (path: string, headers?: Headers) => send('delete', path, undefined, headers),
  };
}

/**
 * The routes of one collection (`/applications`, `/customers`…) as `caller`: list, create,
 * and read, update or delete one by id (with `If-Match` when a version tag is given).
 */
export function resourceAs(t: TestApp, caller: Caller, collection: string) {
  const api = requestsAs(t, caller);
  const ifMatch = (tag?: string): Headers => (tag ? { 'If-Match': tag } : {});
  return {
    list: (query: Query = {}) => api.get(collection, query),
    post: (body: object, headers: Headers = {}) => api.post(collection, body, headers),
    get: (id: string) => api.get(`${collection}/${id}`),
    put: (id: string, body: object, tag?: string) =>
      api.put(`${collection}/${id}`, body, ifMatch(tag)),
    patch: (id: string, body: object, tag?: string) =>
      api.patch(`${collection}/${id}`, body, ifMatch(tag)),
    delete: (id: string) => api.delete(`${collection}/${id}`),
  };
}

/** POST `body` to `path` (under /api/v1) as `caller`; fails the test unless 201; the answer. */
export async function createdAs<T = Record<string, unknown>>(
  t: TestApp,
  caller: Caller,
  path: string,
  body: object,
): Promise<T> {
  const res = await requestsAs(t, caller).post(path, body);
  expectStatus(res, 201);
  return res.body as T;
}

/** The ids of the items of a list page (`{ items, total, page, size, pages }`), in order. */
export function pageIds(res: { body: { items: { id: string }[] } }): string[] {
  return res.body.items.map((item) => item.id);
}

/** The names of the items of a list page, in order. */
export function pageNames(res: { body: { items: { name: string }[] } }): string[] {
  return res.body.items.map((item) => item.name);
}

/**
 * POST /auth/login with the OAuth2 password form, from client address `ip` (the app must trust
 * the proxy: `TRUST_PROXY=loopback`).
 */
export function loginWithForm(
  t: TestApp,
  username: string,
  password = TEST_PASSWORD,
  ip = '198.51.100.1',
) {
  return t.http
    .post('/api/v1/auth/login')
    .set('X-Forwarded-For', ip)
    .type('form')
    .send({ username, password });
}

/** Starts the app listening on a free loopback port, for clients other than supertest; the port. */
export async function listen(t: TestApp): Promise<number> {
  const server = t.app.getHttpServer() as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}
