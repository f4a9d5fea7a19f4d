/**
 * Benchmark: does a direct upload (`POST /files/upload`) stream, or does it hold the file?
 * Runs the real server (embedded PostgreSQL; MAX_FILE_SIZE = 300 MiB), the S3 server (s3rver)
 * and the /health prober in child processes of their own, the upload clients in this one, so
 * that the server's resident memory and the probe's latencies are their own. Prints:
 *
 *   1. the server's resident memory growth while one 256 MiB file goes through the upload
 *      (target: under 64 MiB);
 *   2. that upload's throughput against a direct PutObject of the same bytes to the same S3
 *      server (target: at least 50%);
 *   3. GET /health latency (p50, p99) during 20 concurrent 5 MiB uploads (target p99 < 50 ms).
 *
 *   npm run bench:upload
 *   SIZE_MIB=512 MAX_FILE_SIZE=600000000 npm run bench:upload
 *   ROUNDS=5 PROBE_EVERY_MS=2 PROFILE_DIR=/tmp/prof npm run bench:upload   # (defaults 3 and 2;
 *                                        PROFILE_DIR: the server writes a CPU profile there)
 *
 * The clients generate the bytes as they send them (a 1 MiB random block repeated behind a PDF
 * signature): neither side of the measurement buffers a whole file.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { AppModule } from '../src/app.module';
import { configureApp } from '../src/app.setup';
import type { StorageConfig } from '../src/config/app-config';
import { prepareRuntime } from '../src/runtime';
import { createS3Client } from '../src/storage/s3-clients';
import { type EmbeddedS3, startEmbeddedS3 } from '../src/storage/embedded-s3';

type S3Address = Pick<EmbeddedS3, 'endpoint' | 'accessKeyId' | 'secretAccessKey' | 'region'>;

const MiB = 1024 * 1024;
const bigSize = Number(process.env.SIZE_MIB ?? 256) * MiB;
const maxFileSize = process.env.MAX_FILE_SIZE ?? String(300 * MiB);
const concurrent = Number(process.env.CONCURRENCY ?? 20);
const smallSize = 5 * MiB;
/** Rounds of each measurement (medians; the /health samples of all rounds together). */
const rounds = Number(process.env.ROUNDS ?? 3);
/** Often enough that a p99 is not just the slowest of a few dozen samples. */
const probeEveryMs = Number(process.env.PROBE_EVERY_MS ?? 2);
const password = 'Bench-Passw0rd';
const API = '/api/v1';
const BUCKET = 'bench-upload';
const BLOCK = randomBytes(MiB);
const PDF_SIGNATURE = Buffer.from('%PDF-1.4\n% bench\n');

// ---------------------------------------------------------------------------------------------
// The server, in a child process (this file run with --serve)

async function serve(): Promise<void> {
  const runtime = await prepareRuntime(process.env);
  // The S3 server is the embedded s3rver of the parent (bucket paths without a trailing slash).
  runtime.config.storage.s3rverCompatibility = true;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(runtime.config), {
    bodyParser: false,
    bufferLogs: true,
  });
  configureApp(app, runtime.config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.send!({ port });
  // The server's own event-loop delay, between 'delay-reset' and 'delay' (what /health waits on).
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  process.on('message', (message) => {
    if (message === 'delay-reset') return delay.reset();
    if (message === 'delay') {
      process.send!({ p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 });
      return;
    }
    if (message !== 'stop') return;
    void app
      .close()
      .finally(() => runtime.stop())
      .then(() => process.exit(0));
  });
}

/** The S3 server, in a child process of its own (this file run with --s3). */
async function serveS3(directory: string): Promise<void> {
  const s3 = await startEmbeddedS3({ directory });
  process.send!({
    endpoint: s3.endpoint,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    region: s3.region,
  });
  process.on('message', (message) => {
    if (message === 'stop') void s3.stop().then(() => process.exit(0));
  });
}

/** GET /health every PROBE_EVERY_MS until told to stop, from a process of its own (--probe). */
async function probe(base: string): Promise<void> {
  let stopped = false;
  process.on('message', (message) => {
    if (message === 'stop') stopped = true;
  });
  const latencies = await probeHealth(base, () => stopped);
  process.send!(latencies, () => process.exit(0));
}

/** Runs this file with `args` in a child process; its first message, and the child. */
function startChild<T>(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ child: ChildProcess; ready: T }> {
  const child = fork(__filename, args, {
    env,
    // PROFILE_DIR=<dir>: the server writes a CPU profile there (open it in Chrome DevTools).
    execArgv: [
      '-r',
      'ts-node/register',
      ...(process.env.PROFILE_DIR && args[0] === '--serve'
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROFILE_DIR}`]
        : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (ready: T) => resolve({ child, ready }));
    child.once('exit', (code) => reject(new Error(`${args[0]} exited (${code})`)));
  });
}

/** Asks a child to stop; its last message (if any). */
function stopChild<T>(child: ChildProcess): Promise<T | undefined> {
  return new Promise((resolve) => {
    let last: T | undefined;
    child.on('message', (message: T) => (last = message));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(last);
    });
    child.send('stop');
  });
}

/** The resident memory of process `pid`, in bytes (Linux). */
function residentBytes(pid: number): number {
  const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return line ? Number(line[1]) * 1024 : NaN;
}

// ---------------------------------------------------------------------------------------------
// Clients

/** `size` bytes of a "PDF": the signature, then the random block over and over. */
function fileBytes(size: number): Readable {
  return Readable.from(
    (function* () {
      yield PDF_SIGNATURE;
      let left = size - PDF_SIGNATURE.length;
      while (left > 0) {
        const chunk = left >= BLOCK.length ? BLOCK : BLOCK.subarray(0, left);
        left -= chunk.length;
        yield chunk;
      }
    })(),
    { objectMode: false },
  );
}

/** POST /files/upload of a generated file of `size` bytes, streamed; resolves with the status. */
function uploadFile(base: string, token: string, size: number): Promise<number> {
  const boundary = `bench${randomBytes(8).toString('hex')}`;
  const preamble = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.pdf"\r\n` +
      `Content-Type: application/pdf\r\n\r\n`,
  );
  const epilogue = Buffer.from(`\r\n--${boundary}--\r\n`);
  const url = new URL(`${API}/files/upload`, base);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
          'Content-Length': preamble.length + size + epilogue.length,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.write(preamble);
    const body = fileBytes(size);
    body.on('end', () => req.end(epilogue));
    body.pipe(req, { end: false });
  });
}

const median = (values: number[]) => percentile(values, 50);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function probeHealth(base: string, until: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  while (!until()) {
    const started = performance.now();
    await fetch(`${base}/health`).then((res) => res.arrayBuffer());
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, probeEveryMs));
  }
  return latencies;
}

async function signIn(base: string): Promise<string> {
  const username = `bench${Date.now()}`;
  const setup = await fetch(`${base}${API}/auth/setup-first-admin`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      username,
      email: `${username}@example.test`,
      password,
      first_name: 'Bench',
      last_name: 'Mark',
    }),
  });
  if (setup.status !== 201 && setup.status !== 200) {
    throw new Error(`set-up answered ${setup.status}: the database must be empty`);
  }
  const login = await fetch(`${base}${API}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return ((await login.json()) as { access_token: string }).access_token;
}

const mib = (bytes: number) => (bytes / MiB).toFixed(1);

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lc-bench-upload-'));
  let s3Child: ChildProcess | undefined;
  let server: ChildProcess | undefined;
  try {
    const started3 = await startChild<S3Address>(['--s3', join(dataDir, 's3')]);
    s3Child = started3.child;
    const s3 = started3.ready;
    const startedServer = await startChild<{ port: number }>(['--serve'], {
      ...process.env,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      THROTTLE_LIMIT: '1000000',
      LOGIN_THROTTLE_LIMIT: '1000000',
      MAX_FILE_SIZE: maxFileSize,
      MINIO_ENDPOINT: s3.endpoint,
      MINIO_ACCESS_KEY: s3.accessKeyId,
      MINIO_SECRET_KEY: s3.secretAccessKey,
      MINIO_BUCKET_NAME: BUCKET,
    });
    server = startedServer.child;
    const child = server;
    const base = `http://127.0.0.1:${startedServer.ready.port}`;
    const token = await signIn(base);
    // Warm up (first requests load code and fill pools), then measure.
    for (let index = 0; index < 3; index += 1) {
      if ((await uploadFile(base, token, 6 * MiB)) !== 201) throw new Error('warm-up failed');
    }

    const config: StorageConfig = {
      endpoint: s3.endpoint,
      publicEndpoint: s3.endpoint,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      bucket: BUCKET,
      region: s3.region,
      maxFileSize: 0,
      maxMultipartFileSize: 0,
      presignedDownloadSeconds: 60,
      presignedUploadSeconds: 60,
      s3rverCompatibility: true,
    };
    const client = createS3Client(config, s3.endpoint);

    // 1 and 2, in interleaved rounds: one big file through the server (its memory sampled every
    // 20 ms), then a direct PutObject of the same bytes; medians over the rounds.
    const throughServerMs: number[] = [];
    const directMs: number[] = [];
    const growth: number[] = [];
    let baseline = 0;
    let peak = 0;
    for (let round = 0; round < rounds; round += 1) {
      global.gc?.();
      const before = residentBytes(child.pid!);
      let most = before;
      const sampler = setInterval(() => {
        most = Math.max(most, residentBytes(child.pid!));
      }, 20);
      const started = performance.now();
      const status = await uploadFile(base, token, bigSize);
      throughServerMs.push(performance.now() - started);
      clearInterval(sampler);
      if (status !== 201) throw new Error(`the ${mib(bigSize)} MiB upload answered ${status}`);
      growth.push(most - before);
      if (most - before >= peak - baseline) [baseline, peak] = [before, most];

      const directStarted = performance.now();
      await client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'bench/direct.pdf',
          Body: fileBytes(bigSize),
          ContentLength: bigSize,
          ContentType: 'application/pdf',
        }),
      );
      directMs.push(performance.now() - directStarted);
    }
    const throughServer = median(throughServerMs);
    const direct = median(directMs);
    // The mechanism the server uses (lib-storage Upload: 5 MiB parts, 2 at a time), from here.
    const libStarted = performance.now();
    await new Upload({
      client,
      params: { Bucket: BUCKET, Key: 'bench/lib-storage.pdf', Body: fileBytes(bigSize) },
      queueSize: 2,
    }).done();
    const viaLibStorage = performance.now() - libStarted;
    client.destroy();

    // 3: /health (probed every PROBE_EVERY_MS from its own process) while 20 uploads of 5 MiB
    // run at once, `rounds` times over.
    child.send('delay-reset');
    const prober = (await startChild<'ready'>(['--probe', base])).child;
    const concurrentStarted = performance.now();
    const statuses: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      statuses.push(
        ...(await Promise.all(
          Array.from({ length: concurrent }, () => uploadFile(base, token, smallSize)),
        )),
      );
    }
    const concurrentWall = (performance.now() - concurrentStarted) / rounds;
    const health = (await stopChild<number[]>(prober)) ?? [];
    const loopDelay = await new Promise<{ p99: number; max: number }>((resolve) => {
      child.once('message', resolve);
      child.send('delay');
    });
    if (statuses.some((code) => code !== 201)) throw new Error(`uploads answered ${statuses}`);

    const rate = (ms: number) => `${((bigSize / MiB / ms) * 1000).toFixed(1)} MiB/s`;
    const ratio = (direct / throughServer) * 100;
    const seconds = (values: number[]) => values.map((ms) => (ms / 1000).toFixed(2)).join(', ');
    console.log(
      `\nDirect upload of ${mib(bigSize)} MiB (MAX_FILE_SIZE ${maxFileSize}), ${rounds} interleaved rounds, medians`,
    );
    console.log(
      `  server RSS growth per round: ${growth.map(mib).join(', ')} MiB; largest: ${mib(baseline)} MiB before, peak ${mib(peak)} MiB (target < 64 MiB)`,
    );
    console.log(
      `  through POST /files/upload: ${(throughServer / 1000).toFixed(2)} s (${rate(throughServer)}; rounds ${seconds(throughServerMs)} s)`,
    );
    console.log(
      `  direct PutObject to the same S3: ${(direct / 1000).toFixed(2)} s (${rate(direct)}; rounds ${seconds(directMs)} s)`,
    );
    console.log(`  upload throughput = ${ratio.toFixed(0)}% of direct (target >= 50%)`);
    console.log(
      `  lib-storage Upload (multipart) of the same bytes, without the server: ${(viaLibStorage / 1000).toFixed(2)} s (${rate(viaLibStorage)}); the server's upload = ${((viaLibStorage / throughServer) * 100).toFixed(0)}% of it`,
    );
    console.log(
      `${concurrent} concurrent uploads of ${mib(smallSize)} MiB, ${rounds} times: ${concurrentWall.toFixed(0)} ms each time`,
    );
    console.log(
      `  GET /health during them: n=${health.length} p50 ${percentile(health, 50).toFixed(1)} ms, p99 ${percentile(health, 99).toFixed(1)} ms, max ${Math.max(...health).toFixed(1)} ms (target p99 < 50 ms)`,
    );
    console.log(
      `  the server's event-loop delay meanwhile: p99 ${loopDelay.p99.toFixed(1)} ms, max ${loopDelay.max.toFixed(1)} ms`,
    );
  } finally {
    if (server) await stopChild(server);
    if (s3Child) await stopChild(s3Child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const role = process.argv[2];
if (role === '--serve' || role === '--s3' || role === '--probe') {
  const run =
    role === '--serve'
      ? serve()
      : role === '--s3'
        ? serveS3(process.argv[3])
        : (process.send!('ready'), probe(process.argv[3]));
  void run.catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  void main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
