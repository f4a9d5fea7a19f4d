import type { S3Client } from '@aws-sdk/client-s3';
import type { StorageConfig } from '../../src/config/app-config';
import { createS3Client } from '../../src/storage/s3-clients';

/** Where an S3 server answers and with which credentials (`s3rver`: the embedded/test server). */
export interface S3Server {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region?: string;
  s3rver: boolean;
}

/** A client of its own (built as the server builds its), to look at an S3 server from outside. */
export function s3ClientFor(server: S3Server): S3Client {
  const config: StorageConfig = {
    endpoint: server.endpoint,
    publicEndpoint: server.endpoint,
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
    bucket: 'unused',
    region: server.region ?? 'us-east-1',
    maxFileSize: 0,
    maxMultipartFileSize: 0,
    presignedDownloadSeconds: 60,
    presignedUploadSeconds: 60,
    s3rverCompatibility: server.s3rver,
  };
  return createS3Client(config, server.endpoint);
}
