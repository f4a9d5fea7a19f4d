import { Injectable, Module } from '@nestjs/common';
import { Counter, Gauge, type Metric } from 'prom-client';

/** `skipped`: another instance held the job's lock, so this one left the run to it. */
export const JOB_OUTCOMES = ['success', 'failure', 'skipped'] as const;
export type JobOutcome = (typeof JOB_OUTCOMES)[number];

/**
 * Runs of the periodic jobs, as Prometheus sees them: `lc_job_runs_total{job_name,outcome}` and
 * `lc_job_last_success_timestamp_seconds{job_name}`. The module that runs a job records its runs
 * here; MetricsService (health/) puts these metrics in the app's registry, so neither knows the
 * other.
 */
@Injectable()
export class JobMetrics {
  private readonly runs = new Counter({
    name: 'lc_job_runs_total',
    help: 'Runs of the periodic jobs on this instance by outcome (skipped: another instance held the lock)',
    labelNames: ['job_name', 'outcome'] as const,
    registers: [],
  });
  private readonly lastSuccess = new Gauge({
    name: 'lc_job_last_success_timestamp_seconds',
    help: 'When a periodic job last succeeded on this instance (Unix time, seconds)',
    labelNames: ['job_name'] as const,
    registers: [],
  });

  /** What a registry scrapes. */
  get metrics(): Metric[] {
    return [this.runs, this.lastSuccess];
  }

  /** Shows every outcome of `jobs` as 0 before their first run (alert rules see the series). */
  declare(jobs: readonly string[]): void {
    for (const job of jobs) {
      for (const outcome of JOB_OUTCOMES) this.runs.inc({ job_name: job, outcome }, 0);
    }
  }

  record(job: string, outcome: JobOutcome, at = new Date()): void {
    this.runs.inc({ job_name: job, outcome });
    if (outcome === 'success') this.lastSuccess.set({ job_name: job }, at.getTime() / 1000);
  }
}

@Module({ providers: [JobMetrics], exports: [JobMetrics] })
export class JobMetricsModule {}
