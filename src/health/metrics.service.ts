import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { JobMetrics } from '../common/jobs/job-metrics';
import { PasswordHasher } from '../credentials/password-hasher';

/**
 * Prometheus metrics of this instance: process defaults, HTTP requests by route template and
 * status, the database pool, the password-hash pool and the periodic jobs' runs. One registry per
 * app instance (tests run several).
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor(
    @InjectDataSource() dataSource: DataSource,
    jobs: JobMetrics,
    hasher: PasswordHasher,
  ) {
    collectDefaultMetrics({ register: this.registry });
    for (const metric of jobs.metrics) this.registry.registerMetric(metric);
    this.passwordHashMetrics(hasher);
    const pool = () => (dataSource.driver as unknown as { master?: Pool }).master;
    new Gauge({
      name: 'db_pool_connections',
      help: 'Database pool connections by state',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const current = pool();
        this.set({ state: 'total' }, current?.totalCount ?? 0);
        this.set({ state: 'idle' }, current?.idleCount ?? 0);
        this.set({ state: 'waiting' }, current?.waitingCount ?? 0);
      },
    });
  }

  /**
   * The hash pool at scrape time: a queue that stays above zero means logins wait (and past
   * PASSWORD_HASH_QUEUE_MAX are refused with 503 server-busy).
   */
  private passwordHashMetrics(hasher: PasswordHasher): void {
    new Gauge({
      name: 'lc_password_hash_queue_size',
      help: 'Password hashes and checks waiting for a worker thread',
      registers: [this.registry],
      collect() {
        this.set(hasher.load().waiting);
      },
    });
    new Gauge({
      name: 'lc_password_hash_queue_max',
      help: 'PASSWORD_HASH_QUEUE_MAX: waiting hashes beyond which requests get 503 server-busy',
      registers: [this.registry],
      collect() {
        this.set(hasher.load().queueMax);
      },
    });
    new Gauge({
      name: 'lc_password_hash_utilization',
      help: 'Share of the password-hash worker threads busy (0 to 1)',
      registers: [this.registry],
      collect() {
        const { running, threads } = hasher.load();
        this.set(threads > 0 ? running / threads : 0);
      },
    });
  }

  /** Express middleware: times every request, labelled by the route that matched. */
  readonly middleware = (request: Request, response: Response, next: NextFunction): void => {
    const stop = this.duration.startTimer();
    response.once('finish', () => {
      const path = request.route?.path as string | undefined;
      const labels = {
        method: request.method,
        route: path ? `${request.baseUrl}${path}` : 'unmatched',
        status: String(response.statusCode),
      };
      this.requests.inc(labels);
      stop(labels);
    });
    next();
  };
}
