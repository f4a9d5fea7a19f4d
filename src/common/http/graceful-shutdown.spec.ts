import { type CallHandler, type ExecutionContext, Logger } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import type { HttpAdapterHost } from '@nestjs/core';
import type { Request, Response } from 'express';
import { EventEmitter } from 'node:events';
import { Subject } from 'rxjs';
import type { AppConfig } from '../../config/app-config';
import { GracefulShutdown } from './graceful-shutdown';

const GRACE_MS = 2000;

function setUp() {
  const server = { listening: true, close: jest.fn(), closeAllConnections: jest.fn() };
  const config = {
    get: () => ({ shutdownGraceMs: GRACE_MS }),
  } as unknown as ConfigService<AppConfig, true>;
  const adapterHost = {
    httpAdapter: { getHttpServer: () => server },
  } as unknown as HttpAdapterHost;
  const shutdown = new GracefulShutdown(config, adapterHost);
  /** A request through the middleware: its response, still being answered. */
  const request = () => {
    const response = Object.assign(new EventEmitter(), {
      headersSent: false,
      setHeader: jest.fn(),
    });
    shutdown.middleware({} as Request, response as unknown as Response, jest.fn());
    return response;
  };
  /** A handler running inside the interceptor; `done()` ends it. */
  const handler = () => {
    const result = new Subject<unknown>();
    shutdown
      .intercept({} as ExecutionContext, { handle: () => result } as CallHandler)
      .subscribe({ error: () => undefined });
    return { done: () => result.complete() };
  };
  let drained = false;
  const drain = () => shutdown.drain().then(() => (drained = true));
  return { shutdown, server, request, handler, drain, isDrained: () => drained };
}

describe('GracefulShutdown', () => {
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('closes the listener at once and is done when nothing is in flight', async () => {
    const { server, drain, isDrained } = setUp();
    await drain();
    expect(server.close).toHaveBeenCalledTimes(1);
    expect(isDrained()).toBe(true);
    expect(server.closeAllConnections).not.toHaveBeenCalled();
  });

  it('lets a request in flight finish within the grace, answered with Connection: close', async () => {
    const { server, request, handler, drain, isDrained } = setUp();
    const response = request();
    const running = handler();
    const draining = drain();
    expect(response.setHeader).toHaveBeenCalledWith('Connection', 'close');
    await jest.advanceTimersByTimeAsync(GRACE_MS - 500);
    running.done();
    response.emit('finish');
    await draining;
    expect(isDrained()).toBe(true);
    expect(server.closeAllConnections).not.toHaveBeenCalled();
  });

  it('cuts the connections after the grace, then waits for the handlers to return', async () => {
    const { server, request, handler, drain, isDrained } = setUp();
    const response = request();
    const running = handler();
    void drain();
    await jest.advanceTimersByTimeAsync(GRACE_MS - 1);
    expect(server.closeAllConnections).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(server.closeAllConnections).toHaveBeenCalledTimes(1);
    // The connection is gone, the handler still cleans up (an upload deletes its object).
    response.emit('close');
    await jest.advanceTimersByTimeAsync(100);
    expect(isDrained()).toBe(false);
    running.done();
    await jest.advanceTimersByTimeAsync(0);
    expect(isDrained()).toBe(true);
  });

  it('stops waiting for handlers 5 s after the cut', async () => {
    const { request, handler, drain, isDrained } = setUp();
    request().emit('close');
    handler();
    void drain();
    await jest.advanceTimersByTimeAsync(GRACE_MS + 4_999);
    expect(isDrained()).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(isDrained()).toBe(true);
  });

  it('drains once: a signal and then app.close() share the same drain', async () => {
    const { shutdown, server } = setUp();
    const first = shutdown.drain();
    expect(shutdown.beforeApplicationShutdown()).toBe(first);
    await first;
    expect(server.close).toHaveBeenCalledTimes(1);
  });

  it('answers a request arriving on an open connection while closing with Connection: close', async () => {
    const { request, drain } = setUp();
    await drain();
    expect(request().setHeader).toHaveBeenCalledWith('Connection', 'close');
  });
});
