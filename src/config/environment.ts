import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import type { DatabaseSsl, EnvironmentConfig, LogLevel, TrustProxy } from './app-config';

export type Env = Record<string, string | undefined>;

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.join('\n')}`);
  }
}

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const MIB = 1024 * 1024;
const DAY_MS = 24 * 3600 * 1000;

/**
 * Reads environment values, collecting one readable problem per bad variable instead of
 * stopping at the first, so an operator can fix them all in one go.
 */
class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  /** The first non-empty value among a variable and its aliases. */
  raw(...names: string[]): { name: string; value: string } | undefined {
    for (const name of names) {
      const value = this.env[name]?.trim();
      if (value) return { name, value };
    }
    return undefined;
  }

  string(names: string | string[], fallback?: string): string | undefined {
    return this.raw(...[names].flat())?.value ?? fallback;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const found = this.raw(name);
    if (!found) return fallback;
    const value = Number(found.value);
    if (!/^-?\d+$/.test(found.value) || value < min || value > max) {
      this.problem(name, `must be a whole number from ${min} to ${max}`, found.value);
      return fallback;
    }
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const found = this.raw(name);
    if (!found) return fallback;
    const value = found.value.toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(value)) return true;
    if (['false', '0', 'no', 'off'].includes(value)) return false;
    this.problem(name, 'must be true or false', found.value);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const found = this.raw(name);
    if (!found) return fallback;
    const value = found.value.toLowerCase() as T;
    if (allowed.includes(value)) return value;
    this.problem(name, `must be one of ${allowed.join(', ')}`, found.value);
    return fallback;
  }

  problem(name: string, message: string, value?: string): void {
    const shown = value === undefined || isSecretName(name) ? '' : ` (got "${value}")`;
    this.problems.push(`${name} ${message}${shown}`);
  }
}

function isSecretName(name: string): boolean {
  return /SECRET|PASSWORD|KEY|TOKEN/.test(name) && !/ACCESS_KEY$|ROOT_USER$/.test(name);
}

/** `postgresql+asyncpg://` and friends: the driver suffix of the original deployment is ignored. */
function normaliseDatabaseUrl(reader: EnvReader, name: string): string | undefined {
  const found = reader.raw(name);
  if (!found) return undefined;
  const match = /^(postgres|postgresql)(\+[a-z0-9]+)?:\/\//i.exec(found.value);
  if (!match) {
    reader.problem(name, 'must start with postgres:// or postgresql://', redactUrl(found.value));
    return undefined;
  }
  const url = 'postgresql://' + found.value.slice(match[0].length);
  try {
    new URL(url);
  } catch {
    reader.problem(name, 'is not a valid URL', redactUrl(found.value));
    return undefined;
  }
  return url;
}

/** Hides the password of `scheme://user:password@host` (also without a scheme, or a user). */
function redactUrl(value: string): string {
  const at = value.lastIndexOf('@');
  if (at < 0) return value;
  const slashes = value.indexOf('//');
  const start = slashes >= 0 && slashes < at ? slashes + 2 : 0;
  const colon = value.indexOf(':', start);
  if (colon < 0 || colon > at) return value;
  return `${value.slice(0, colon)}:***${value.slice(at)}`;
}

/** host, host:port or a full URL; an https URL means TLS whatever MINIO_SECURE says. */
export function normaliseEndpoint(value: string, secure: boolean): string | undefined {
  const withScheme = /^[a-z]+:\/\//i.test(value)
    ? value
    : `${secure ? 'https' : 'http'}://${value}`;
  try {
    const url = new URL(withScheme);
    if (!['http:', 'https:'].includes(url.protocol) || !url.hostname) return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

function readEndpoint(reader: EnvReader, names: string[], secure: boolean): string | undefined {
  const found = reader.raw(...names);
  if (!found) return undefined;
  const endpoint = normaliseEndpoint(found.value, secure);
  if (!endpoint)
    reader.problem(found.name, 'must be host, host:port or an http(s) URL', found.value);
  return endpoint;
}

function readOrigins(reader: EnvReader): string[] {
  const origins: string[] = [];
  for (const name of ['ALLOWED_ORIGINS', 'CORS_ORIGINS']) {
    const found = reader.raw(name);
    if (!found) continue;
    let list: unknown = found.value.split(',');
    if (found.value.startsWith('[')) {
      try {
        list = JSON.parse(found.value);
      } catch {
        reader.problem(name, 'is not a valid JSON array', found.value);
        continue;
      }
    }
    if (!Array.isArray(list) || list.some((item) => typeof item !== 'string')) {
      reader.problem(
        name,
        'must be a comma-separated list or a JSON array of origins',
        found.value,
      );
      continue;
    }
    // One problem line per variable, naming every bad entry.
    const bad: string[] = [];
    for (const origin of list.map((item: string) => item.trim()).filter(Boolean)) {
      const trimmed = origin.replace(/\/$/, '');
      if (origin !== '*' && normaliseEndpoint(origin, false) === trimmed) origins.push(trimmed);
      else bad.push(origin);
    }
    if (bad.includes('*')) {
      reader.problem(name, 'cannot be "*": credentials are allowed, so origins must be listed');
    } else if (bad.length) {
      reader.problem(name, 'must list origins such as https://app.example.com', bad.join(', '));
    }
  }
  return origins.length ? [...new Set(origins)] : ['http://localhost:3000'];
}

/** A hop count, `loopback`, or a list of addresses/subnets; never "trust everything". */
function readTrustProxy(reader: EnvReader): TrustProxy {
  const found = reader.raw('TRUST_PROXY');
  if (!found || ['false', '0', 'no', 'off'].includes(found.value.toLowerCase())) return false;
  if (/^\d+$/.test(found.value)) return Number(found.value);
  if (found.value.toLowerCase() === 'true') {
    reader.problem(
      'TRUST_PROXY',
      'cannot be true (that trusts every client); give a hop count, "loopback" or a list of proxy addresses',
    );
    return false;
  }
  const items = found.value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  const named = ['loopback', 'linklocal', 'uniquelocal'];
  const bad = items.filter((item) => !named.includes(item) && !isProxyAddress(item));
  if (bad.length) {
    reader.problem(
      'TRUST_PROXY',
      'must be a hop count, "loopback" or a list of IP addresses',
      found.value,
    );
    return false;
  }
  return items.length === 1 ? items[0] : items;
}

/** An address, or a subnet `address/prefix` (or `/netmask`) that is not everything (`/0`). */
function isProxyAddress(item: string): boolean {
  const [address, range, ...rest] = item.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  if (range === undefined) return true;
  if (/^\d+$/.test(range)) return Number(range) >= 1 && Number(range) <= (family === 4 ? 32 : 128);
  return family === 4 && isIP(range) === 4 && !/^0+(\.0+){3}$/.test(range);
}

function readDatabaseSsl(reader: EnvReader): DatabaseSsl {
  const found = reader.raw('DATABASE_SSL');
  if (!found) return false;
  const value = found.value.toLowerCase();
  if (['false', '0', 'no', 'off', 'disable'].includes(value)) return false;
  if (['true', '1', 'yes', 'on', 'require'].includes(value)) return 'require';
  if (value === 'no-verify') return 'no-verify';
  reader.problem('DATABASE_SSL', 'must be false, true, require or no-verify', found.value);
  return false;
}

const ENCRYPTION_KEY_FORMAT = 'must be 32 bytes encoded as base64 (e.g. `openssl rand -base64 32`)';

/** 32 bytes in base64 or base64url; undefined when it is anything else. */
function parseEncryptionKey(value: string): Buffer | undefined {
  const key = Buffer.from(value, 'base64');
  return key.length === 32 && /^[A-Za-z0-9+/_-]+={0,2}$/.test(value) ? key : undefined;
}

function readEncryptionKey(reader: EnvReader): Buffer | undefined {
  const found = reader.raw('DATA_ENCRYPTION_KEY');
  if (!found) return undefined;
  const key = parseEncryptionKey(found.value);
  if (!key) reader.problem('DATA_ENCRYPTION_KEY', ENCRYPTION_KEY_FORMAT);
  return key;
}

/**
 * Keys retired by a rotation, still needed to read old values until they are re-encrypted.
 * A bad entry is named by its position: the value itself is a secret.
 */
function readPreviousEncryptionKeys(reader: EnvReader): Buffer[] {
  const name = 'DATA_ENCRYPTION_KEYS_PREVIOUS';
  const found = reader.raw(name);
  if (!found) return [];
  const keys: Buffer[] = [];
  const bad: number[] = [];
  const entries = found.value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const [index, entry] of entries.entries()) {
    const key = parseEncryptionKey(entry);
    if (key) keys.push(key);
    else bad.push(index + 1);
  }
  if (bad.length) {
    reader.problem(
      name,
      `${bad.length > 1 ? 'entries' : 'entry'} ${bad.join(', ')} ${ENCRYPTION_KEY_FORMAT} (a comma-separated list of keys)`,
    );
    return [];
  }
  return keys;
}

/**
 * Parses and validates the whole environment. Throws ConfigValidationError listing every
 * problem, one line each, naming the variable.
 */
export function parseEnvironment(
  env: Env,
  version = '0.0.0',
  cores = availableParallelism(),
): EnvironmentConfig {
  const reader = new EnvReader(env);
  // One core stays with the event loop; the queue bound keeps a login burst from waiting for
  // seconds (beyond it, 503 server-busy at once).
  const passwordHashThreads = reader.int('PASSWORD_HASH_THREADS', Math.max(1, cores - 1), 1, 256);
  const nodeEnv = reader.string('NODE_ENV', 'development')!;
  const isProduction = nodeEnv === 'production';

  const secretKey = reader.string('SECRET_KEY');
  if (secretKey !== undefined && secretKey.length < 32) {
    reader.problem('SECRET_KEY', 'must be at least 32 characters long');
  }
  const minioSecure = reader.bool('MINIO_SECURE', false);
  const endpoint = readEndpoint(
    reader,
    ['MINIO_ENDPOINT', 'S3_ENDPOINT', 'MINIO_PRIVATE_ENDPOINT'],
    minioSecure,
  );
  const publicEndpoint = readEndpoint(reader, ['MINIO_PUBLIC_ENDPOINT'], minioSecure);
  const accessKeyId = reader.string(['MINIO_ACCESS_KEY', 'MINIO_ROOT_USER', 'S3_ACCESS_KEY']);
  const secretAccessKey = reader.string([
    'MINIO_SECRET_KEY',
    'MINIO_ROOT_PASSWORD',
    'S3_SECRET_KEY',
  ]);
  const databaseUrl = normaliseDatabaseUrl(reader, 'DATABASE_URL');
  const migrationUrl = normaliseDatabaseUrl(reader, 'DATABASE_MIGRATION_URL');
  if (migrationUrl && !databaseUrl) {
    reader.problem('DATABASE_MIGRATION_URL', 'needs DATABASE_URL (the runtime role) too');
  }
  const dataEncryptionKey = readEncryptionKey(reader);
  const previousKeys = readPreviousEncryptionKeys(reader);

  if (endpoint && !accessKeyId)
    reader.problem('MINIO_ACCESS_KEY', 'is required when MINIO_ENDPOINT is set');
  if (endpoint && !secretAccessKey)
    reader.problem('MINIO_SECRET_KEY', 'is required when MINIO_ENDPOINT is set');
  if (isProduction) {
    const required: [string, unknown][] = [
      ['SECRET_KEY', secretKey],
      ['DATA_ENCRYPTION_KEY', dataEncryptionKey ?? reader.raw('DATA_ENCRYPTION_KEY')],
      ['DATABASE_URL', databaseUrl ?? reader.raw('DATABASE_URL')],
      [
        'MINIO_ENDPOINT',
        endpoint ?? reader.raw('MINIO_ENDPOINT', 'S3_ENDPOINT', 'MINIO_PRIVATE_ENDPOINT'),
      ],
    ];
    for (const [name, value] of required) {
      if (value === undefined) {
        reader.problem(
          name,
          'is required when NODE_ENV=production (the embedded services and generated secrets are for development only)',
        );
      }
    }
  }

  const config: EnvironmentConfig = {
    app: {
      name: 'LC Workflow server',
      version,
      nodeEnv,
      isProduction,
      port: reader.int('PORT', 8000, 0, 65535),
      logLevel: reader.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
      dataDir: reader.string('DATA_DIR', './.data')!,
      allowedOrigins: readOrigins(reader),
      trustProxy: readTrustProxy(reader),
      bodyLimitBytes: MIB,
      headersTimeoutMs: reader.int('HTTP_HEADERS_TIMEOUT_MS', 20000, 1000, 600000),
      bodyMinBytesPerWindow: reader.int('HTTP_BODY_MIN_BYTES_PER_30S', 30 * 1024, 0, 100 * MIB),
      bodyRateWindowMs: reader.int('HTTP_BODY_RATE_WINDOW_MS', 30000, 1000, 600000),
      docsEnabled: reader.bool('DOCS_ENABLED', true),
      shutdownGraceMs: reader.int('SHUTDOWN_GRACE_MS', 8000, 0, 600000),
      metricsToken: reader.string('METRICS_TOKEN'),
      setupToken: reader.string('SETUP_TOKEN'),
    },
    database: {
      url: databaseUrl,
      migrationUrl,
      poolSize: reader.int('DATABASE_POOL_SIZE', 10, 1, 200),
      ssl: readDatabaseSsl(reader),
      statementTimeoutMs: reader.int('DATABASE_STATEMENT_TIMEOUT_MS', 15000, 100, 600000),
      connectTimeoutMs: reader.int('DATABASE_CONNECT_TIMEOUT_MS', 5000, 100, 60000),
    },
    auth: {
      secretKey,
      accessTokenMinutes: reader.int('ACCESS_TOKEN_EXPIRE_MINUTES', 60, 1, 24 * 60),
      refreshTokenDays: reader.int('REFRESH_TOKEN_EXPIRE_DAYS', 7, 1, 365),
      bcryptRounds: reader.int('BCRYPT_ROUNDS', 12, 4, 15),
      passwordHashThreads,
      passwordHashQueueMax: reader.int(
        'PASSWORD_HASH_QUEUE_MAX',
        4 * passwordHashThreads,
        0,
        1_000_000,
      ),
    },
    crypto: { dataEncryptionKey, previousKeys },
    storage: {
      endpoint,
      publicEndpoint: publicEndpoint ?? endpoint,
      accessKeyId,
      secretAccessKey,
      bucket: reader.string('MINIO_BUCKET_NAME', 'lc-workflow-files')!,
      region: reader.string('MINIO_REGION', 'us-east-1')!,
      serverSideEncryption: reader.string('S3_SERVER_SIDE_ENCRYPTION'),
      maxFileSize: reader.int('MAX_FILE_SIZE', 10 * MIB, 1, 5 * 1024 * MIB),
      maxMultipartFileSize: reader.int(
        'MAX_MULTIPART_FILE_SIZE',
        5 * 1024 * MIB,
        1,
        5 * 1024 * 1024 * MIB,
      ),
      presignedDownloadSeconds: reader.int(
        'PRESIGNED_DOWNLOAD_EXPIRE_SECONDS',
        300,
        1,
        7 * 24 * 3600,
      ),
      presignedUploadSeconds: reader.int('PRESIGNED_UPLOAD_EXPIRE_SECONDS', 3600, 1, 7 * 24 * 3600),
      s3rverCompatibility: false,
    },
    throttle: {
      limit: reader.int('THROTTLE_LIMIT', 300, 1, 1_000_000),
      ttlSeconds: reader.int('THROTTLE_TTL_SECONDS', 60, 1, 86400),
      loginLimit: reader.int('LOGIN_THROTTLE_LIMIT', 10, 1, 1_000_000),
      loginTtlSeconds: reader.int('LOGIN_THROTTLE_TTL_SECONDS', 60, 1, 86400),
    },
    redis: { url: readRedisUrl(reader), keyPrefix: readRedisKeyPrefix(reader) },
    jobs: {
      storageSweepIntervalMs: reader.int('STORAGE_SWEEP_INTERVAL_MS', 5 * 60_000, 100, DAY_MS),
      checksumFillIntervalMs: reader.int('CHECKSUM_FILL_INTERVAL_MS', 60_000, 100, DAY_MS),
    },
  };
  const bucket = config.storage.bucket;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    reader.problem(
      'MINIO_BUCKET_NAME',
      'must be a valid S3 bucket name (3-63 lower-case letters, digits, dots, dashes)',
      bucket,
    );
  }
  if (reader.problems.length) throw new ConfigValidationError(reader.problems);
  return config;
}

/** Set before every key this server writes, so that several deployments can share a Redis. */
function readRedisKeyPrefix(reader: EnvReader): string {
  const prefix = reader.string('REDIS_KEY_PREFIX', 'lc-workflow:')!;
  if (!/^[\w:.-]{0,64}$/.test(prefix)) {
    reader.problem('REDIS_KEY_PREFIX', 'must be at most 64 letters, digits, _ : . or -', prefix);
  }
  return prefix;
}

function readRedisUrl(reader: EnvReader): string | undefined {
  const found = reader.raw('REDIS_URL', 'DRAGONFLY_URL');
  if (!found) return undefined;
  if (!/^rediss?:\/\/.+/.test(found.value)) {
    reader.problem(found.name, 'must be a redis:// or rediss:// URL', redactUrl(found.value));
    return undefined;
  }
  return found.value;
}
