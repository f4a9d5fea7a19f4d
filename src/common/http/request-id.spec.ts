import type { NextFunction, Request, Response } from 'express';
import { requestIdMiddleware } from './request-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function run(given?: string | string[]) {
  const request = {
    headers: given === undefined ? {} : { 'x-request-id': given },
  } as unknown as Request;
  const setHeader = jest.fn();
  const response = { setHeader } as unknown as Response;
  const next = jest.fn() as NextFunction;
  requestIdMiddleware(request, response, next);
  return { id: (request as { id?: unknown }).id, setHeader, next };
}

describe('requestIdMiddleware', () => {
  it.each(['abc', 'a.b_c-D9', 'x'.repeat(128), '0', 'trace-2024.01.02_abc'])(
    'keeps the caller id %p and echoes it',
    (given) => {
      const { id, setHeader, next } = run(given);
      expect(id).toBe(given);
      expect(setHeader).toHaveBeenCalledWith('X-Request-Id', given);
      expect(next).toHaveBeenCalledTimes(1);
    },
  );

  it.each([
    ['too long', 'x'.repeat(129)],
    ['empty', ''],
    ['with a space', 'abc def'],
    ['with a slash', 'a/b'],
    ['with a newline', 'abc\nSet-Cookie: x=1'],
    ['with a colon', 'a:b'],
    ['non-ASCII', 'idé'],
  ])('replaces an id %s with a generated UUID', (_, given) => {
    const { id, setHeader, next } = run(given);
    expect(id).toMatch(UUID);
    expect(id).not.toBe(given);
    expect(setHeader).toHaveBeenCalledWith('X-Request-Id', id);
    expect(next).toHaveBeenCalledTimes(1);
  });

  it('generates an id when none is given, and a different one each time', () => {
    const first = run();
    const second = run();
    expect(first.id).toMatch(UUID);
    expect(second.id).toMatch(UUID);
    expect(first.id).not.toBe(second.id);
    expect(first.setHeader).toHaveBeenCalledWith('X-Request-Id', first.id);
  });

  it('does not trust a repeated header', () => {
    const { id } = run(['abc', 'def']);
    expect(id).toMatch(UUID);
  });
});
