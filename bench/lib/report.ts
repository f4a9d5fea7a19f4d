/**
 * The results of `npm run bench`: medians over the rounds, docs/BENCHMARKS.md and the raw
 * JSON (docs/bench-results/<label>.json), with before → after figures when a previous JSON
 * is given.
 */
import type { Measurement } from './load';

export interface Machine {
  cores: number;
  model: string;
  memoryGiB: number;
  node: string;
  platform: string;
}

export interface BenchResults {
  label: string;
  date: string;
  machine: Machine;
  serverDir: string;
  serverCommit: string;
  benchCommit: string;
  settings: {
    rounds: number;
    duration: number;
    connections: number[];
    loginLoops: number;
    rows: string[];
  };
  serverEnv: Record<string, string>;
  seed: { applications: number; seededNowMs?: number };
  rowsDescribed: Record<string, string>;
  runs: Measurement[];
  explain: string[];
  scripts: { name: string; seconds: number; status: number | null; output: string }[];
}

export interface Summary {
  row: string;
  level: number;
  used: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  cpuPerRequestMs: number;
  /** Medians of the per-round ratios to health and root at the same level. */
  toHealth?: number;
  toRoot?: number;
  loads: number[];
  notes: string[];
  healthP99?: number;
}

export function median(values: number[]): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** "answers 404 ×221" for the codes other than 2xx, summed over the rounds. */
function failedStatuses(runs: Measurement[]): string[] {
  const counts = new Map<string, number>();
  for (const run of runs) {
    for (const [code, count] of Object.entries(run.statuses ?? {})) {
      if (!code.startsWith('2')) counts.set(code, (counts.get(code) ?? 0) + count);
    }
  }
  if (!counts.size) return [];
  const listed = [...counts].map(([code, count]) => `${code} ×${count}`).join(', ');
  return [`answers ${listed} in ${runs.length} round(s)`];
}

export function summarise(runs: Measurement[]): Summary[] {
  const keys = [...new Set(runs.map((run) => `${run.level}\u0000${run.row}`))];
  return keys.map((key) => {
    const [levelText, row] = key.split('\u0000');
    const level = Number(levelText);
    const mine = runs.filter((run) => run.row === row && run.level === level);
    const ratio = (reference: string) => {
      const ratios = mine
        .map((run) => {
          const same = runs.find(
            (other) =>
              other.row === reference && other.level === level && other.round === run.round,
          );
          return same?.rps ? run.rps / same.rps : NaN;
        })
        .filter((value) => !Number.isNaN(value));
      return ratios.length ? median(ratios) : undefined;
    };
    const m = (pick: (run: Measurement) => number) => median(mine.map(pick));
    return {
      row,
      level,
      used: mine[0].used,
      rps: m((run) => run.rps),
      p50: m((run) => run.p50),
      p99: m((run) => run.p99),
      max: Math.max(...mine.map((run) => run.max)),
      non2xx: m((run) => run.non2xx),
      errors: m((run) => run.errors),
      timeouts: m((run) => run.timeouts),
      cpuPerRequestMs: m((run) => run.cpuPerRequestMs),
      toHealth: row === 'login' ? undefined : ratio('health'),
      toRoot: row === 'login' ? undefined : ratio('root'),
      loads: mine.map((run) => run.load1),
      notes: [
        ...new Set(mine.map((run) => run.note).filter((note): note is string => !!note)),
        ...failedStatuses(mine),
      ],
      healthP99: mine[0].login ? m((run) => run.login!.healthP99) : undefined,
    };
  });
}

const fixed = (value: number | undefined, digits = 0) =>
  value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits);
const percent = (value: number | undefined) =>
  value === undefined || Number.isNaN(value) ? '–' : `${(value * 100).toFixed(0)}%`;

function table(rows: Summary[], rowsDescribed: Record<string, string>): string[] {
  const lines = [
    '| row | req/s | p50 ms | p99 ms | max ms | non-2xx | errors | timeouts | CPU ms/req | ÷ health | ÷ root | load1 before (per round) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const s of rows) {
    const name = s.used !== s.level ? `${s.row} (c=${s.used})` : s.row;
    const notes = s.notes.length ? ` (${s.notes.join('; ')})` : '';
    lines.push(
      `| ${name}${notes} | ${fixed(s.rps)} | ${fixed(s.p50)} | ${fixed(s.p99)} | ${fixed(s.max)} | ${fixed(s.non2xx)} | ${fixed(s.errors)} | ${fixed(s.timeouts)} | ${fixed(s.cpuPerRequestMs, 2)} | ${percent(s.toHealth)} | ${percent(s.toRoot)} | ${s.loads.map((load) => load.toFixed(2)).join(' / ')} |`,
    );
  }
  lines.push('', ...rows.map((s) => `- \`${s.row}\`: ${rowsDescribed[s.row] ?? ''}`));
  return lines;
}

function comparison(after: Summary[], before: Summary[], beforeLabel: string): string[] {
  const lines = [
    `Before: \`${beforeLabel}\`. Medians; each cell is before → after.`,
    '',
    '| row | c | req/s | p99 ms | CPU ms/req | ÷ root | errors + timeouts + non-2xx |',
    '|---|---:|---|---|---|---|---|',
  ];
  for (const s of after) {
    const b = before.find((other) => other.row === s.row && other.level === s.level);
    if (!b) continue;
    const failures = (x: Summary) => x.errors + x.timeouts + x.non2xx;
    lines.push(
      `| ${s.row} | ${s.level} | ${fixed(b.rps)} → ${fixed(s.rps)} | ${fixed(b.p99)} → ${fixed(s.p99)} | ${fixed(b.cpuPerRequestMs, 2)} → ${fixed(s.cpuPerRequestMs, 2)} | ${percent(b.toRoot)} → ${percent(s.toRoot)} | ${fixed(failures(b))} → ${fixed(failures(s))} |`,
    );
  }
  return lines;
}

/**
 * The report. `changes`: the hand-written measurements of each change on its own
 * (docs/bench-changes.md), kept as a section of the report.
 */
export function markdown(results: BenchResults, previous?: BenchResults, changes?: string): string {
  const summary = summarise(results.runs);
  const { machine, settings } = results;
  const out: string[] = [
    '# Benchmarks',
    '',
    `Generated by \`npm run bench\` (bench/bench.ts) on ${results.date}, label \`${results.label}\`. ` +
      'Do not edit by hand: run it again. Figures from a shared 2-core machine are noisy: compare rows ' +
      'of the same run (the ratios), and runs of the same day.',
    '',
    '## Machine and settings',
    '',
    `- Machine: ${machine.cores} cores (${machine.model}), ${machine.memoryGiB.toFixed(1)} GiB memory, ${machine.platform}, Node ${machine.node}. ` +
      'autocannon, PostgreSQL and the server share these cores; the load average before each run is in the tables.',
    `- Server: \`${results.serverDir}\` at commit \`${results.serverCommit}\` (bench code at \`${results.benchCommit}\`), ` +
      '`node dist/src/main.js` as a child process.',
    `- Server environment (besides DATABASE_URL, MINIO_* and the secrets): ${Object.entries(
      results.serverEnv,
    )
      .map(([name, value]) => `\`${name}=${value}\``)
      .join(', ')}.`,
    `- Data: ${results.seed.applications} applications (demo seed)` +
      (results.seed.seededNowMs
        ? `, seeded in this run in ${(results.seed.seededNowMs / 1000).toFixed(0)} s.`
        : ', seeded by an earlier run and reused.'),
    `- Runs: ${settings.rounds} interleaved round(s) (each round runs every row at every connection level), ` +
      `${settings.duration} s per run, connections ${settings.connections.join(' and ')}; medians over the rounds. ` +
      `Rows: ${settings.rows.join(', ')}.`,
    "- CPU ms/req: the server process's utime + stime from /proc/<pid>/stat, after minus before the run, " +
      "÷ the requests completed. ÷ health, ÷ root: the row's req/s over that of `health` / `root` in the same round and level (median of the rounds).",
    '',
  ];
  for (const level of settings.connections) {
    const rows = summary.filter((s) => s.level === level && s.row !== 'login');
    if (!rows.length) continue;
    out.push(`## ${level} connections`, '', ...table(rows, results.rowsDescribed), '');
  }
  const logins = summary.filter((s) => s.row === 'login');
  if (logins.length) {
    const s = logins[0];
    out.push(
      `## Logins: ${settings.loginLoops} login loops for ${settings.duration} s, GET /health probed every 10 ms`,
      '',
      '| logins/s | median wait ms | p99 ms | max wait ms | non-2xx | errors | timeouts (10 s) | CPU ms/login | /health p99 ms |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      `| ${fixed(s.rps, 1)} | ${fixed(s.p50)} | ${fixed(s.p99)} | ${fixed(s.max)} | ${fixed(s.non2xx)} | ${fixed(s.errors)} | ${fixed(s.timeouts)} | ${fixed(s.cpuPerRequestMs, 1)} | ${fixed(s.healthP99, 1)} |`,
      '',
      `Each loop logs in as another demo user (password hashed at the server's cost), again and again. Load before: ${s.loads.map((load) => load.toFixed(2)).join(' / ')}.`,
      '',
    );
  }
  out.push('## Before/after', '');
  if (previous) {
    out.push(
      ...comparison(summary, summarise(previous.runs), `${previous.label}`),
      '',
      `Before: server \`${previous.serverDir}\` at \`${previous.serverCommit}\`, ${previous.date}.`,
      '',
    );
  } else {
    out.push(
      'No comparison in this run: run `npm run bench -- --label before --server-dir <baseline checkout>`, then ' +
        '`npm run bench -- --label after --compare docs/bench-results/before.json`.',
      '',
    );
  }
  if (changes) out.push(changes.trim().replace(/^# /m, '## '), '');
  out.push('## EXPLAIN (ANALYZE, BUFFERS) of the list and count queries', '');
  out.push(
    "Built with this checkout's query builders (bench/lib/query-plans.ts) for the users the rows sign in as; warm cache.",
    '',
    '```',
    ...results.explain,
    '```',
    '',
  );
  for (const script of results.scripts) {
    out.push(
      `## npm run ${script.name}`,
      '',
      `${script.seconds.toFixed(0)} s, exit ${script.status}.`,
      '',
      '```',
      script.output.trimEnd(),
      '```',
      '',
    );
  }
  return out.join('\n');
}
