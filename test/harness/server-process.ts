/**
 * The compiled server (`node dist/src/main.js`) as a process of its own: what an operator runs,
 * and what a suite needs when it measures the server alone (a server inside the Jest process
 * shares its heap and event loop with every suite that ran before).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { get } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';

export const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');
/** The tracing preload, for `nodeArgs: ['-r', TRACING]`. */
export const TRACING = join(__dirname, '..', '..', 'dist', 'src', 'tracing.js');

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  startedAt: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  exited: Promise<number | string>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as AddressInfo | null;
      server.close(() => resolve(address ? address.port : 0));
    });
  });
}

/**
 * Starts the server in `cwd` with `env` (an undefined value leaves the variable out) over a
 * minimal environment: nothing inherited from the test run (NODE_ENV=test, the harness state)
 * except what processes need. `nodeArgs` go before MAIN (e.g. `['-r', TRACING]`).
 */
export async function startServer(
  cwd: string,
  env: Record<string, string | undefined>,
  nodeArgs: readonly string[] = [],
): Promise<ServerProcess> {
  if (!existsSync(MAIN)) {
    throw new Error(`${MAIN} is missing: run \`npx nest build\` (npm test does it in pretest).`);
  }
  const port = await freePort();
  const environment: Record<string, string> = { LOG_LEVEL: 'info', PORT: String(port) };
  const inherited = Object.fromEntries(
    ['PATH', 'HOME', 'TMPDIR', 'LANG'].map((name) => [name, process.env[name]]),
  );
  // Undefined leaves a variable out.
  for (const [name, value] of Object.entries({ ...inherited, ...environment, ...env })) {
    if (value === undefined) delete environment[name];
    else environment[name] = value;
  }
  const startedAt = Date.now();
  const child = spawn(process.execPath, [...nodeArgs, MAIN], {
    cwd,
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | string>((resolve) => {
    child.once('close', (code, signal) => resolve(code ?? signal ?? -1));
  });
  return { child, port, startedAt, stdout: () => stdout, stderr: () => stderr, exited };
}

/** The status of one GET, or undefined when nothing answers (no keep-alive connection left). */
export function statusOf(port: number, path: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const request = get({ host: '127.0.0.1', port, path, agent: false, timeout: 2_000 }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode));
    });
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(undefined));
  });
}

/** Polls the health route until it answers 200; returns the time since the process started. */
export async function untilHealthy(server: ServerProcess, timeoutMs = 15_000): Promise<number> {
  let exitedWith: number | string | undefined;
  void server.exited.then((result) => (exitedWith = result));
  const deadline = server.startedAt + timeoutMs;
  let last: number | undefined;
  while (Date.now() < deadline) {
    if (exitedWith !== undefined) {
      throw new Error(
        `the server exited (${exitedWith}) before it was healthy:\n${server.stderr()}`,
      );
    }
    last = await statusOf(server.port, '/api/v1/health');
    if (last === 200) return Date.now() - server.startedAt;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `the server was not healthy after ${timeoutMs} ms (last status ${last}):\n` +
      `${server.stdout().slice(-3000)}\n${server.stderr()}`,
  );
}

/** Sends a signal and waits for the exit; resolves with the exit result and how long it took. */
export async function stopWith(
  server: ServerProcess,
  signal: NodeJS.Signals,
  timeoutMs = 10_000,
): Promise<{ result: number | string; ms: number }> {
  const sentAt = Date.now();
  server.child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    server.exited,
    new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (result === 'timeout') {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  return { result, ms: Date.now() - sentAt };
}

/** Kills what is still running (for an afterAll). */
export async function killAll(servers: readonly ServerProcess[]): Promise<void> {
  for (const server of servers) {
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
  }
}
