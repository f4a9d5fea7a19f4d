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
  });
  if (config.s3rverCompatibility) stripBucketTrailingSlash(client);
  return client;
}
