/**
 * The server's configuration, one namespace per concern. It is parsed and validated once
 * from the environment (`environment.ts`), completed with the embedded services and the
 * development secrets (`runtime.ts`), and then handed to `AppModule.forRoot`.
 */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type TrustProxy = false | number | string | string[];
export type DatabaseSsl = false | 'require' | 'no-verify';

export interface ApplicationConfig {
  name: string;
  version: string;
  nodeEnv: string;
  isProduction: boolean;
  port: number;
  logLevel: LogLevel;
  dataDir: string;
  allowedOrigins: string[];
  trustProxy: TrustProxy;
  bodyLimitBytes: number;
  /** A client must send its request headers within this time. */
  headersTimeoutMs: number;
  /** A body slower than this many bytes per `bodyRateWindowMs` is cut. */
  bodyMinBytesPerWindow: number;
  bodyRateWindowMs: number;
  /** Swagger UI at /docs and the OpenAPI document at /docs-json. */
  docsEnabled: boolean;
  /**
   * On SIGTERM/SIGINT, requests in flight get this long to finish; then their connections are
   * cut (an upload cut so deletes its object).
   */
  shutdownGraceMs: number;
  metricsToken?: string;
  setupToken?: string;
}

export interface DatabaseConfig {
  /** The pool's (runtime) role. */
  url: string;
  /** The schema owner's, for start-up migrations; without it the runtime role migrates. */
  migrationUrl?: string;
  poolSize: number;
  ssl: DatabaseSsl;
  statementTimeoutMs: number;
  /** Bounds opening a connection and waiting for a free pool connection. */
  connectTimeoutMs: number;
}

export interface AuthConfig {
  secretKey: string;
  accessTokenMinutes: number;
  refreshTokenDays: number;
  bcryptRounds: number;
  /** Worker threads that hash passwords (bcrypt). */
  passwordHashThreads: number;
  /** Hashing tasks that may wait for a thread; beyond, hashing routes answer 503 server-busy. */
  passwordHashQueueMax: number;
}

export interface CryptoConfig {
  /** 32 bytes; never derived from the JWT secret. New values are encrypted with it. */
  dataEncryptionKey: Buffer;
  /** Keys retired by a rotation: they still decrypt (and find) values not yet re-encrypted. */
  previousKeys: Buffer[];
}

export interface StorageConfig {
  /** Full URL of the endpoint the server talks to, e.g. `http://minio:9000`. */
  endpoint: string;
  /** Full URL browsers reach; presigned URLs are signed for it. */
  publicEndpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  region: string;
  serverSideEncryption?: string;
  maxFileSize: number;
  maxMultipartFileSize: number;
  presignedDownloadSeconds: number;
  presignedUploadSeconds: number;
  /** True when the endpoint is the embedded/test S3 server (s3rver), which needs a request fix. */
  s3rverCompatibility: boolean;
}

export interface ThrottleConfig {
  limit: number;
  ttlSeconds: number;
  loginLimit: number;
  loginTtlSeconds: number;
}

export interface RedisConfig {
  url?: string;
  /** Before every key (`REDIS_KEY_PREFIX`, default `lc-workflow:`). */
  keyPrefix: string;
}

/** The periodic jobs: how often each runs (on every instance; an advisory lock lets one at a time). */
export interface JobsConfig {
  /** `multipart_expiry` and `upload_intents`: abandoned uploads cleaned up. */
  storageSweepIntervalMs: number;
  /** `checksum_fill`: the sha256 of chunked uploads filled in. */
  checksumFillIntervalMs: number;
}

export interface AppConfig {
  app: ApplicationConfig;
  database: DatabaseConfig;
  auth: AuthConfig;
  crypto: CryptoConfig;
  storage: StorageConfig;
  throttle: ThrottleConfig;
  redis: RedisConfig;
  jobs: JobsConfig;
}

type Optional<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;

/** What the environment alone gives: the embedded services and dev secrets fill the gaps. */
export interface EnvironmentConfig {
  app: ApplicationConfig;
  database: Optional<DatabaseConfig, 'url'>;
  auth: Optional<AuthConfig, 'secretKey'>;
  crypto: Optional<CryptoConfig, 'dataEncryptionKey'>;
  storage: Optional<
    StorageConfig,
    'endpoint' | 'publicEndpoint' | 'accessKeyId' | 'secretAccessKey'
  >;
  throttle: ThrottleConfig;
  redis: RedisConfig;
  jobs: JobsConfig;
}
