/**
 * The embedded S3 server (s3rver) checks the signature of bucket-level requests against the
 * path without its trailing slash, while the SDK signs `/bucket/`. The server has a fix for this
 * (`s3rverCompatibility`) that only its embedded mode turns on; a server started in production
 * mode with MINIO_ENDPOINT (as the bench runs it) has not. This proxy in front of s3rver drops
 * the Authorization header of bucket-level requests (`/bucket` or `/bucket/`, e.g. HeadBucket at
 * start and the readiness check), which s3rver then serves as anonymous requests; object
 * requests pass untouched, signature and all. The server gains no switch.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface S3Proxy {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startS3Proxy(target: string): Promise<S3Proxy> {
  const upstream = new URL(target);
  const server: Server = createServer((incoming, outgoing) => {
    const path = incoming.url ?? '/';
    const headers = { ...incoming.headers };
    if (/^\/[^/?]+\/?(\?|$)/.test(path)) delete headers.authorization;
    const forwarded = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path,
        headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
