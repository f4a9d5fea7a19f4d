import type { NextFunction, Request, Response } from 'express';
import { trailingSlashMiddleware } from './trailing-slash';

function run(url: string): { url: string; next: jest.Mock } {
  const request = { url } as Request;
  const next = jest.fn();
  trailingSlashMiddleware(request, {} as Response, next as NextFunction);
  return { url: request.url, next };
}

describe('trailingSlashMiddleware', () => {
  it.each([
    ['/api/v1/users/', '/api/v1/users'],
    ['/api/v1/users//', '/api/v1/users'],
    ['/api/v1/users/?page=2&size=5', '/api/v1/users?page=2&size=5'],
    ['/api/v1/users/?', '/api/v1/users?'],
    ['//', '/'],
  ])('serves %p as %p', (given, expected) => {
    const { url, next } = run(given);
    expect(url).toBe(expected);
    expect(next).toHaveBeenCalledTimes(1);
  });

  it.each([
    '/',
    '/?page=2',
    '/api/v1/users',
    '/api/v1/users?page=2',
    '/api/v1/users?next=/a/',
    '/api/v1/users/abc',
  ])('leaves %p untouched', (given) => {
    const { url, next } = run(given);
    expect(url).toBe(given);
    expect(next).toHaveBeenCalledTimes(1);
  });
});
