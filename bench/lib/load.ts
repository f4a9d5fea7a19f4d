/**
 * One measured run: a row driven by autocannon's programmatic API (or the login loops), with
 * the server's CPU time read from /proc/<pid>/stat before and after.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { LoadRequest, Row, RowContext } from './rows';
import { API } from './rows';
import { processCpuMs } from './services';

/** The part of autocannon's API and result used here (the package has no types). */
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
  latency: { p50: number; p99: number; max: number };
  requests: { average: number; total: number };
}
interface AutocannonInstance extends Promise<AutocannonResult> {
  stop(): void;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  timeout: number;
  requests: LoadRequest[];
}) => AutocannonInstance;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

export interface Measurement {
  row: string;
  round: number;
  /** The connection level of the round; `used` may be lower (export). */
  level: number;
  used: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Answers by status code. */
  statuses: Record<string, number>;
  cpuMs: number;
  cpuPerRequestMs: number;
  /** 1-minute load average just before the run. */
  load1: number;
  seconds: number;
  note?: string;
  /** The login row only. */
  login?: { healthP50: number; healthP99: number; healthN: number };
}

/**
 * Waits (up to 30 s) until the server uses under a quarter of a core over 250 ms: work queued
 * by the previous row (password hashes after the login loops) must not count for the next.
 */
export async function waitForIdleServer(pid: number): Promise<void> {
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    const before = processCpuMs(pid);
    await new Promise((resolve) => setTimeout(resolve, 250));
    if (processCpuMs(pid) - before < 250 / 4) return;
  }
}

export async function runRow(
  row: Row,
  context: RowContext,
  options: { level: number; round: number; duration: number; serverPid: number },
): Promise<Measurement> {
  const used = row.connections?.(options.level, context) ?? options.level;
  await waitForIdleServer(options.serverPid);
  const load1 = loadavg()[0];
  let note: string | undefined;
  const running: { instance?: AutocannonInstance } = {};
  const control = {
    // autocannon stops at its next one-second tick.
    stop: (why: string) => {
      if (note) return;
      note = why;
      setImmediate(() => running.instance?.stop());
    },
  };
  const cpuBefore = processCpuMs(options.serverPid);
  const instance = (running.instance = autocannon({
    url: context.base,
    connections: used,
    duration: options.duration,
    timeout: row.timeoutSeconds ?? 10,
    requests: [row.request(context, control)],
  }));
  const result = await instance;
  const cpuMs = processCpuMs(options.serverPid) - cpuBefore;
  const total = result.requests.total;
  if (!total) note ??= `no answer completed within ${options.duration} s`;
  return {
    row: row.name,
    round: options.round,
    level: options.level,
    used,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statuses: Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([code, stats]) => [code, stats.count]),
    ),
    cpuMs,
    cpuPerRequestMs: total ? cpuMs / total : 0,
    load1,
    seconds: result.duration,
    note,
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/**
 * `loops` clients logging in one after another (each as another demo user) for `duration`
 * seconds while GET /health is probed every 10 ms (as bench/login-under-load.ts does).
 */
export async function runLoginLoops(
  context: RowContext,
  users: string[],
  password: string,
  options: { loops: number; round: number; duration: number; serverPid: number },
): Promise<Measurement> {
  await waitForIdleServer(options.serverPid);
  const load1 = loadavg()[0];
  const cpuBefore = processCpuMs(options.serverPid);
  const deadline = performance.now() + options.duration * 1000;
  const latencies: number[] = [];
  let non2xx = 0;
  const statuses: Record<string, number> = {};
  let errors = 0;
  let timeouts = 0;
  const health: number[] = [];
  const probing = (async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      await fetch(`${context.base}/health`)
        .then((res) => res.arrayBuffer())
        .catch(() => undefined);
      health.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.loops }, async (_, loop) => {
      for (let i = 0; performance.now() < deadline; i += 1) {
        const username = users[(loop + i * options.loops) % users.length];
        const t0 = performance.now();
        try {
          const res = await fetch(`${context.base}${API}/auth/login`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ username, password }),
            signal: AbortSignal.timeout(10_000),
          });
          await res.arrayBuffer();
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          if (res.status !== 200) non2xx += 1;
        } catch (error) {
          if ((error as Error).name === 'TimeoutError') timeouts += 1;
          else errors += 1;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await probing;
  const cpuMs = processCpuMs(options.serverPid) - cpuBefore;
  return {
    row: 'login',
    round: options.round,
    level: options.loops,
    used: options.loops,
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: Math.max(0, ...latencies),
    total: latencies.length,
    non2xx,
    errors,
    timeouts,
    statuses,
    cpuMs,
    cpuPerRequestMs: latencies.length ? cpuMs / latencies.length : 0,
    load1,
    seconds,
    login: {
      healthP50: percentile(health, 50),
      healthP99: percentile(health, 99),
      healthN: health.length,
    },
  };
}
