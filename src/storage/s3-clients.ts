import { S3Client } from '@aws-sdk/client-s3';
import type { StorageConfig } from '../config/app-config';

// The SDK warns at every start that versions published after January 2027 need Node 22. The
// version is pinned in package-lock.json, so the warning is noise here; its documented opt-out:
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * s3rver (the embedded/test S3 server) computes the signature of bucket-level requests
 * without their trailing slash; the SDK sends `/bucket/`. Stripping that one slash makes
 * both agree. Only installed when talking to that server.
 */
function stripBucketTrailingSlash(client: S3Client): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { path?: string };
      if (request.path && /^\/[^/]+\/$/.test(request.path)) {
        request.path = request.path.slice(0, -1);
      }
      return next(args);
    },
    { step: 'build', name: 's3rverBucketPathFix' },
  );
}

/** The writes whose payload is not hashed for the signature (see unsignedUploadPayloads). */
const UNSIGNED_PAYLOAD_COMMANDS = new Set(['PutObjectCommand', 'UploadPartCommand']);

/**
 * The SDK signs a Buffer body by hashing it (SHA-256) on the event loop, 5 MiB per part of a
 * streamed upload — work that stalls every other request while many uploads run. Uploads
 * already hash their bytes themselves (the file's sha256), so their PUTs are sent with
 * `x-amz-content-sha256: UNSIGNED-PAYLOAD`, as the SDK itself does for stream bodies: the request
 * stays signed (key, headers, length), the payload is not hashed again. Not for the client that
 * presigns URLs (the header would become one the URL's user has to send).
 */
export function unsignedUploadPayloads(client: S3Client): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers && UNSIGNED_PAYLOAD_COMMANDS.has(context.commandName ?? '')) {
        request.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      }
      return next(args);
    },
    { step: 'build', name: 'unsignedUploadPayloads' },
  );
}

export function createS3Client(config: StorageConfig, endpoint: string): S3Client {
  const client = new S3Client({
    endpoint,
    region: config.region,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    forcePathStyle: true,
    // MinIO and s3rver refuse the SDK's default streaming checksums; presigned PUTs would
    // otherwise be signed with the checksum of an empty body.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
    // A store that stops answering fails the request instead of holding it forever: a connection
    // must open within 5 s, and an answer's headers arrive within 60 s of sending (a part of a
    // streamed upload is 5 MiB). A stopped store (refused, reset) fails at once, after retries.
    requestHandler: {
      connectionTimeout: 5_000,
      requestTimeout: 60_000,
      throwOnRequestTimeout: true,
    },
  });
  if (config.s3rverCompatibility) stripBucketTrailingSlash(client);
  return client;
}
