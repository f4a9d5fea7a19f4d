import * as fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

/**
 * An S3-protocol server for development and tests: `@20minutes/s3rver` 4.0.4, in-process, on
 * 127.0.0.1 and a free port, storing buckets and objects as files in `directory` (kept across
 * restarts). It verifies SigV4 signatures. Clients need `forcePathStyle: true`,
 * `requestChecksumCalculation` / `responseChecksumValidation: 'WHEN_REQUIRED'`, and bucket-level
 * request paths without their trailing slash (its signature check fails on them).
 */
export interface EmbeddedS3 {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  stop(): Promise<void>;
}

export interface EmbeddedS3Options {
  directory: string;
  /** Receives request errors, one line per call. Dropped when not given. */
  log?: (line: string) => void;
}

/** The part of the (untyped, CommonJS) S3rver class used here. */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: Server;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

type S3rverClass = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
}) => S3rverInstance;

/** The only credentials s3rver accepts by default. */
const ACCESS_KEY_ID = 'S3RVER';
const SECRET_ACCESS_KEY = 'S3RVER';
const REGION = 'us-east-1';
/** Requests still running at stop are cut after this long. */
const STOP_GRACE_MS = 3_000;

export async function startEmbeddedS3(options: EmbeddedS3Options): Promise<EmbeddedS3> {
  const directory = path.resolve(options.directory);
  // s3rver fails on requests when its directory does not exist.
  fs.mkdirSync(directory, { recursive: true });

  // The package has no type declarations; loaded lazily so only its users pay for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require('@20minutes/s3rver') as S3rverClass;
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true });
  const log = options.log;
  // `silent` also mutes Koa's default error printing; forward errors only when asked to.
  if (log) server.on('error', (error) => log(`s3rver: ${error.message}`));

  const { port } = await server.run();
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET_ACCESS_KEY,
    region: REGION,
    stop: () => (stopped ??= closeServer(server)),
  };
}

/** Closes the listener (idle keep-alive connections close with it), then cuts busy ones. */
async function closeServer(server: S3rverInstance): Promise<void> {
  const timer = setTimeout(() => server.httpServer?.closeAllConnections(), STOP_GRACE_MS);
  try {
    await server.close();
  } finally {
    clearTimeout(timer);
  }
}
