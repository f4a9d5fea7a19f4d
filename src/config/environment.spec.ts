import { ConfigValidationError, type Env, parseEnvironment } from './environment';

/** 32 bytes, base64. */
const ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');
const SECRET_KEY = 'a-secret-key-that-is-long-enough-0123456789';

/** What a complete production environment looks like; tests remove or spoil one piece. */
const PRODUCTION: Env = {
  NODE_ENV: 'production',
  SECRET_KEY,
  DATA_ENCRYPTION_KEY: ENCRYPTION_KEY,
  DATABASE_URL: 'postgresql://lc:db-password@db.internal:5432/lc',
  MINIO_ENDPOINT: 'minio:9000',
  MINIO_ACCESS_KEY: 'minio-user',
  MINIO_SECRET_KEY: 'minio-password',
};

/** The problem lines of a refused environment (fails the test when it is accepted). */
function problemsOf(env: Env): string[] {
  try {
    parseEnvironment(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).problems;
  }
  throw new Error(`expected the environment to be refused: ${JSON.stringify(env)}`);
}

/** The variable each problem line names (its first word). */
function variablesNamed(problems: string[]): string[] {
  return problems.map((line) => line.split(' ')[0]);
}

describe('parseEnvironment', () => {
  describe('defaults', () => {
    it('gives the documented defaults for an empty environment', () => {
      const config = parseEnvironment({});
      expect(config.app).toMatchObject({
        nodeEnv: 'development',
        isProduction: false,
        port: 8000,
        logLevel: 'info',
        dataDir: './.data',
        allowedOrigins: ['http://localhost:3000'],
        trustProxy: false,
        bodyLimitBytes: 1024 * 1024,
        headersTimeoutMs: 20000,
        bodyMinBytesPerWindow: 30720,
        bodyRateWindowMs: 30000,
        docsEnabled: true,
        shutdownGraceMs: 8000,
      });
      expect(config.app.metricsToken).toBeUndefined();
      expect(config.app.setupToken).toBeUndefined();
      expect(config.database).toMatchObject({
        poolSize: 10,
        ssl: false,
        statementTimeoutMs: 15000,
      });
      expect(config.database.url).toBeUndefined();
      expect(config.database.connectTimeoutMs).toBeGreaterThan(0);
      expect(config.database.connectTimeoutMs).toBeLessThanOrEqual(10000);
      expect(config.auth).toMatchObject({
        secretKey: undefined,
        accessTokenMinutes: 60,
        refreshTokenDays: 7,
        bcryptRounds: 12,
      });
      expect(config.auth.passwordHashThreads).toBeGreaterThanOrEqual(1);
      expect(config.auth.passwordHashQueueMax).toBe(4 * config.auth.passwordHashThreads);
      expect(config.crypto.dataEncryptionKey).toBeUndefined();
      expect(config.crypto.previousKeys).toEqual([]);
      expect(config.storage).toMatchObject({
        endpoint: undefined,
        publicEndpoint: undefined,
        accessKeyId: undefined,
        secretAccessKey: undefined,
        bucket: 'lc-workflow-files',
        region: 'us-east-1',
        serverSideEncryption: undefined,
        maxFileSize: 10485760,
        maxMultipartFileSize: 5368709120,
        presignedDownloadSeconds: 300,
        presignedUploadSeconds: 3600,
      });
      expect(config.throttle).toEqual({
        limit: 300,
        ttlSeconds: 60,
        loginLimit: 10,
        loginTtlSeconds: 60,
      });
      expect(config.redis.url).toBeUndefined();
    });

    it('treats empty and blank values as not set', () => {
      const config = parseEnvironment({ PORT: '', DATABASE_POOL_SIZE: '  ', DATABASE_URL: '' });
      expect(config.app.port).toBe(8000);
      expect(config.database.poolSize).toBe(10);
      expect(config.database.url).toBeUndefined();
    });

    it('reads every numeric setting', () => {
      const config = parseEnvironment({
        PORT: '9001',
        DATABASE_POOL_SIZE: '25',
        DATABASE_STATEMENT_TIMEOUT_MS: '20000',
        ACCESS_TOKEN_EXPIRE_MINUTES: '15',
        REFRESH_TOKEN_EXPIRE_DAYS: '30',
        BCRYPT_ROUNDS: '4',
        MAX_FILE_SIZE: '2048',
        MAX_MULTIPART_FILE_SIZE: '4096',
        PRESIGNED_DOWNLOAD_EXPIRE_SECONDS: '60',
        PRESIGNED_UPLOAD_EXPIRE_SECONDS: '600',
        THROTTLE_LIMIT: '5',
        THROTTLE_TTL_SECONDS: '10',
        LOGIN_THROTTLE_LIMIT: '3',
        LOGIN_THROTTLE_TTL_SECONDS: '120',
      });
      expect(config.app.port).toBe(9001);
      expect(config.database.poolSize).toBe(25);
      expect(config.database.statementTimeoutMs).toBe(20000);
      expect(config.auth).toMatchObject({
        accessTokenMinutes: 15,
        refreshTokenDays: 30,
        bcryptRounds: 4,
      });
      expect(config.storage).toMatchObject({
        maxFileSize: 2048,
        maxMultipartFileSize: 4096,
        presignedDownloadSeconds: 60,
        presignedUploadSeconds: 600,
      });
      expect(config.throttle).toEqual({
        limit: 5,
        ttlSeconds: 10,
        loginLimit: 3,
        loginTtlSeconds: 120,
      });
    });

    it('reads the shutdown grace and the connect timeout, and refuses values out of range', () => {
      const config = parseEnvironment({
        SHUTDOWN_GRACE_MS: '2000',
        DATABASE_CONNECT_TIMEOUT_MS: '1500',
      });
      expect(config.app.shutdownGraceMs).toBe(2000);
      expect(config.database.connectTimeoutMs).toBe(1500);
      expect(parseEnvironment({}).database.connectTimeoutMs).toBe(5000);
      expect(() =>
        parseEnvironment({ SHUTDOWN_GRACE_MS: '-1', DATABASE_CONNECT_TIMEOUT_MS: 'soon' }),
      ).toThrow(
        expect.objectContaining({
          problems: [
            'SHUTDOWN_GRACE_MS must be a whole number from 0 to 600000 (got "-1")',
            'DATABASE_CONNECT_TIMEOUT_MS must be a whole number from 100 to 60000 (got "soon")',
          ],
        }),
      );
    });

    it('reads the plain string settings', () => {
      const config = parseEnvironment({
        LOG_LEVEL: 'debug',
        DATA_DIR: '/var/lib/lc',
        MINIO_BUCKET_NAME: 'loan-docs',
        MINIO_REGION: 'ap-southeast-1',
        S3_SERVER_SIDE_ENCRYPTION: 'AES256',
        METRICS_TOKEN: 'metrics-token',
        SETUP_TOKEN: 'setup-token',
        SECRET_KEY,
        DATA_ENCRYPTION_KEY: ENCRYPTION_KEY,
      });
      expect(config.app).toMatchObject({
        logLevel: 'debug',
        dataDir: '/var/lib/lc',
        metricsToken: 'metrics-token',
        setupToken: 'setup-token',
      });
      expect(config.storage).toMatchObject({
        bucket: 'loan-docs',
        region: 'ap-southeast-1',
        serverSideEncryption: 'AES256',
      });
      expect(config.auth.secretKey).toBe(SECRET_KEY);
      expect(config.crypto.dataEncryptionKey).toEqual(Buffer.alloc(32, 7));
    });
  });

  describe('database', () => {
    it.each([
      ['postgres://u:p@db:5432/lc', 'postgresql://u:p@db:5432/lc'],
      ['postgresql://u:p@db:5432/lc', 'postgresql://u:p@db:5432/lc'],
      ['postgresql+asyncpg://u:p@db:5432/lc', 'postgresql://u:p@db:5432/lc'],
      ['postgres+psycopg2://u:p@db/lc?sslmode=require', 'postgresql://u:p@db/lc?sslmode=require'],
    ])('accepts %s', (value, expected) => {
      expect(parseEnvironment({ DATABASE_URL: value }).database.url).toBe(expected);
    });

    it('refuses a URL of another database', () => {
      const problems = problemsOf({ DATABASE_URL: 'mysql://u:p@db/lc' });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^DATABASE_URL /);
    });

    it.each([
      ['false', false],
      ['disable', false],
      ['true', 'require'],
      ['require', 'require'],
      ['REQUIRE', 'require'],
      ['no-verify', 'no-verify'],
    ])('DATABASE_SSL=%s gives %s', (value, expected) => {
      expect(parseEnvironment({ DATABASE_SSL: value }).database.ssl).toBe(expected);
    });

    it('refuses an unknown DATABASE_SSL value', () => {
      expect(variablesNamed(problemsOf({ DATABASE_SSL: 'maybe' }))).toEqual(['DATABASE_SSL']);
    });
  });

  describe('object storage', () => {
    it.each([
      ['a bare host', 'minio', undefined, 'http://minio'],
      ['host:port', 'minio:9000', undefined, 'http://minio:9000'],
      ['an http URL', 'http://minio:9000', undefined, 'http://minio:9000'],
      ['an https URL', 'https://s3.example.com', undefined, 'https://s3.example.com'],
      [
        'an https URL with MINIO_SECURE=false',
        'https://s3.example.com:9443',
        'false',
        'https://s3.example.com:9443',
      ],
      ['a bare host with MINIO_SECURE=true', 's3.example.com', 'true', 'https://s3.example.com'],
      ['host:port with MINIO_SECURE=true', 'minio:9000', 'true', 'https://minio:9000'],
      ['a URL with a trailing slash', 'http://minio:9000/', undefined, 'http://minio:9000'],
    ])('MINIO_ENDPOINT as %s', (_label, value, secure, expected) => {
      const config = parseEnvironment({
        MINIO_ENDPOINT: value,
        MINIO_SECURE: secure,
        MINIO_ACCESS_KEY: 'user',
        MINIO_SECRET_KEY: 'password',
      });
      expect(config.storage.endpoint).toBe(expected);
      expect(config.storage.publicEndpoint).toBe(expected);
    });

    it('refuses an endpoint that is not host, host:port or an http(s) URL', () => {
      const env = { MINIO_ACCESS_KEY: 'user', MINIO_SECRET_KEY: 'password' };
      expect(variablesNamed(problemsOf({ ...env, MINIO_ENDPOINT: 'ftp://minio' }))).toEqual([
        'MINIO_ENDPOINT',
      ]);
      expect(variablesNamed(problemsOf({ ...env, S3_ENDPOINT: 'minio:port' }))).toEqual([
        'S3_ENDPOINT',
      ]);
    });

    it('signs browser URLs for MINIO_PUBLIC_ENDPOINT when given', () => {
      const config = parseEnvironment({
        MINIO_ENDPOINT: 'minio:9000',
        MINIO_PUBLIC_ENDPOINT: 'https://files.example.com',
        MINIO_ACCESS_KEY: 'user',
        MINIO_SECRET_KEY: 'password',
      });
      expect(config.storage.endpoint).toBe('http://minio:9000');
      expect(config.storage.publicEndpoint).toBe('https://files.example.com');
    });

    it.each(['S3_ENDPOINT', 'MINIO_PRIVATE_ENDPOINT'])('reads the endpoint from %s', (name) => {
      const config = parseEnvironment({
        [name]: 'minio:9000',
        MINIO_ACCESS_KEY: 'user',
        MINIO_SECRET_KEY: 'password',
      });
      expect(config.storage.endpoint).toBe('http://minio:9000');
    });

    it('prefers MINIO_ENDPOINT over its aliases', () => {
      const config = parseEnvironment({
        MINIO_ENDPOINT: 'primary:9000',
        S3_ENDPOINT: 'alias:9000',
        MINIO_PRIVATE_ENDPOINT: 'other:9000',
        MINIO_ACCESS_KEY: 'user',
        MINIO_SECRET_KEY: 'password',
      });
      expect(config.storage.endpoint).toBe('http://primary:9000');
    });

    it.each([
      ['MINIO_ACCESS_KEY', 'MINIO_SECRET_KEY'],
      ['MINIO_ROOT_USER', 'MINIO_ROOT_PASSWORD'],
      ['S3_ACCESS_KEY', 'S3_SECRET_KEY'],
    ])('reads the credentials from %s / %s', (user, password) => {
      const config = parseEnvironment({
        MINIO_ENDPOINT: 'minio:9000',
        [user]: 'the-user',
        [password]: 'the-password',
      });
      expect(config.storage.accessKeyId).toBe('the-user');
      expect(config.storage.secretAccessKey).toBe('the-password');
    });

    it('requires credentials with an endpoint, one problem each', () => {
      expect(variablesNamed(problemsOf({ MINIO_ENDPOINT: 'minio:9000' }))).toEqual([
        'MINIO_ACCESS_KEY',
        'MINIO_SECRET_KEY',
      ]);
    });

    it('refuses an invalid bucket name and a bad MINIO_SECURE', () => {
      expect(variablesNamed(problemsOf({ MINIO_BUCKET_NAME: 'Loan_Docs' }))).toEqual([
        'MINIO_BUCKET_NAME',
      ]);
      expect(variablesNamed(problemsOf({ MINIO_SECURE: 'sometimes' }))).toEqual(['MINIO_SECURE']);
    });
  });

  describe('origins (CORS)', () => {
    it('reads a comma-separated list, trimming spaces and trailing slashes', () => {
      const config = parseEnvironment({
        ALLOWED_ORIGINS: 'https://app.example.com, http://localhost:5173/',
      });
      expect(config.app.allowedOrigins).toEqual([
        'https://app.example.com',
        'http://localhost:5173',
      ]);
    });

    it('reads a JSON array', () => {
      const config = parseEnvironment({
        ALLOWED_ORIGINS: '["https://app.example.com", "https://admin.example.com"]',
      });
      expect(config.app.allowedOrigins).toEqual([
        'https://app.example.com',
        'https://admin.example.com',
      ]);
    });

    it('adds CORS_ORIGINS to ALLOWED_ORIGINS, without duplicates', () => {
      const config = parseEnvironment({
        ALLOWED_ORIGINS: 'https://app.example.com',
        CORS_ORIGINS: '["https://admin.example.com", "https://app.example.com"]',
      });
      expect(config.app.allowedOrigins).toEqual([
        'https://app.example.com',
        'https://admin.example.com',
      ]);
    });

    it('takes CORS_ORIGINS alone as the list', () => {
      const config = parseEnvironment({ CORS_ORIGINS: 'https://admin.example.com' });
      expect(config.app.allowedOrigins).toEqual(['https://admin.example.com']);
    });

    it('refuses "*", a malformed JSON array and origins that are not origins', () => {
      expect(variablesNamed(problemsOf({ ALLOWED_ORIGINS: '*' }))).toEqual(['ALLOWED_ORIGINS']);
      expect(variablesNamed(problemsOf({ CORS_ORIGINS: '["https://a.example.com"' }))).toEqual([
        'CORS_ORIGINS',
      ]);
      expect(variablesNamed(problemsOf({ ALLOWED_ORIGINS: '[1, 2]' }))).toEqual([
        'ALLOWED_ORIGINS',
      ]);
      expect(
        variablesNamed(
          problemsOf({ ALLOWED_ORIGINS: 'app.example.com,https://x.example.com/app' }),
        ),
      ).toEqual(['ALLOWED_ORIGINS']);
    });
  });

  describe('TRUST_PROXY', () => {
    it.each([
      [undefined, false],
      ['false', false],
      ['0', false],
      ['1', 1],
      ['2', 2],
      ['loopback', 'loopback'],
      ['10.0.0.5', '10.0.0.5'],
      ['loopback, 10.0.0.0/8', ['loopback', '10.0.0.0/8']],
      ['10.1.2.3,fd00::/8', ['10.1.2.3', 'fd00::/8']],
      ['10.0.0.0/255.0.0.0', '10.0.0.0/255.0.0.0'],
    ])('TRUST_PROXY=%s gives %p', (value, expected) => {
      expect(parseEnvironment({ TRUST_PROXY: value }).app.trustProxy).toEqual(expected);
    });

    it.each([
      'true',
      'TRUE',
      '*',
      '0.0.0.0/0',
      '::/0',
      'proxy.example.com',
      '10.0.0.0/33',
      '10.0.0.0/0.0.0.0',
      '10.0.0.1/8/8',
    ])('refuses TRUST_PROXY=%s', (value) => {
      expect(variablesNamed(problemsOf({ TRUST_PROXY: value }))).toEqual(['TRUST_PROXY']);
    });
  });

  describe('Redis', () => {
    it('reads REDIS_URL, or its alias DRAGONFLY_URL', () => {
      expect(parseEnvironment({ REDIS_URL: 'redis://cache:6379' }).redis.url).toBe(
        'redis://cache:6379',
      );
      expect(parseEnvironment({ DRAGONFLY_URL: 'rediss://dragonfly:6380/1' }).redis.url).toBe(
        'rediss://dragonfly:6380/1',
      );
      expect(
        parseEnvironment({ REDIS_URL: 'redis://a:6379', DRAGONFLY_URL: 'redis://b:6379' }).redis
          .url,
      ).toBe('redis://a:6379');
    });

    it('refuses a URL that is not redis:// or rediss://', () => {
      expect(variablesNamed(problemsOf({ DRAGONFLY_URL: 'http://cache:6379' }))).toEqual([
        'DRAGONFLY_URL',
      ]);
    });

    it('prefixes keys with REDIS_KEY_PREFIX, lc-workflow: by default', () => {
      expect(parseEnvironment({}).redis.keyPrefix).toBe('lc-workflow:');
      expect(parseEnvironment({ REDIS_KEY_PREFIX: 'staging:lc.' }).redis.keyPrefix).toBe(
        'staging:lc.',
      );
      expect(variablesNamed(problemsOf({ REDIS_KEY_PREFIX: 'has space' }))).toEqual([
        'REDIS_KEY_PREFIX',
      ]);
    });
  });

  describe('periodic jobs', () => {
    it('run the storage clean-up every 5 minutes and the checksum fill every minute by default', () => {
      expect(parseEnvironment({}).jobs).toEqual({
        storageSweepIntervalMs: 300_000,
        checksumFillIntervalMs: 60_000,
      });
    });

    it('reads STORAGE_SWEEP_INTERVAL_MS and CHECKSUM_FILL_INTERVAL_MS', () => {
      const { jobs } = parseEnvironment({
        STORAGE_SWEEP_INTERVAL_MS: '200',
        CHECKSUM_FILL_INTERVAL_MS: '86400000',
      });
      expect(jobs).toEqual({ storageSweepIntervalMs: 200, checksumFillIntervalMs: 86_400_000 });
    });

    it('refuses intervals under 100 ms, over a day, or not whole numbers', () => {
      expect(
        variablesNamed(
          problemsOf({ STORAGE_SWEEP_INTERVAL_MS: '99', CHECKSUM_FILL_INTERVAL_MS: '1.5' }),
        ),
      ).toEqual(['STORAGE_SWEEP_INTERVAL_MS', 'CHECKSUM_FILL_INTERVAL_MS']);
      expect(variablesNamed(problemsOf({ CHECKSUM_FILL_INTERVAL_MS: '86400001' }))).toEqual([
        'CHECKSUM_FILL_INTERVAL_MS',
      ]);
    });
  });

  describe('secrets outside production', () => {
    it('may be left unset (the runtime generates them)', () => {
      const config = parseEnvironment({ NODE_ENV: 'development' });
      expect(config.auth.secretKey).toBeUndefined();
      expect(config.crypto.dataEncryptionKey).toBeUndefined();
    });

    it('are still checked when given', () => {
      expect(
        variablesNamed(problemsOf({ SECRET_KEY: 'short', DATA_ENCRYPTION_KEY: 'c2hvcnQ=' })),
      ).toEqual(['SECRET_KEY', 'DATA_ENCRYPTION_KEY']);
    });
  });

  describe('production', () => {
    it('accepts a complete environment', () => {
      const config = parseEnvironment(PRODUCTION);
      expect(config.app.isProduction).toBe(true);
      expect(config.auth.secretKey).toBe(SECRET_KEY);
      expect(config.crypto.dataEncryptionKey?.length).toBe(32);
      expect(config.database.url).toBe('postgresql://lc:db-password@db.internal:5432/lc');
      expect(config.storage.endpoint).toBe('http://minio:9000');
    });

    it('names each missing requirement in its own line', () => {
      const problems = problemsOf({ NODE_ENV: 'production' });
      expect(variablesNamed(problems)).toEqual([
        'SECRET_KEY',
        'DATA_ENCRYPTION_KEY',
        'DATABASE_URL',
        'MINIO_ENDPOINT',
      ]);
      for (const line of problems) {
        expect(line).toMatch(/production/);
        expect(line).not.toContain('\n');
      }
    });

    it.each(['SECRET_KEY', 'DATA_ENCRYPTION_KEY', 'DATABASE_URL', 'MINIO_ENDPOINT'])(
      'refuses to start without %s',
      (name) => {
        const problems = problemsOf({ ...PRODUCTION, [name]: undefined });
        expect(variablesNamed(problems)).toEqual([name]);
      },
    );

    it('accepts the endpoint under an alias', () => {
      const config = parseEnvironment({
        ...PRODUCTION,
        MINIO_ENDPOINT: undefined,
        S3_ENDPOINT: 'https://s3.example.com',
      });
      expect(config.storage.endpoint).toBe('https://s3.example.com');
    });

    it('requires SECRET_KEY of at least 32 characters', () => {
      expect(variablesNamed(problemsOf({ ...PRODUCTION, SECRET_KEY: 'x'.repeat(31) }))).toEqual([
        'SECRET_KEY',
      ]);
      expect(parseEnvironment({ ...PRODUCTION, SECRET_KEY: 'x'.repeat(32) }).auth.secretKey).toBe(
        'x'.repeat(32),
      );
    });

    it.each([
      ['16 bytes', Buffer.alloc(16, 1).toString('base64')],
      ['48 bytes', Buffer.alloc(48, 1).toString('base64')],
      ['hex', Buffer.alloc(32, 1).toString('hex')],
      ['not base64', 'this is not base64 at all, is it?!'],
    ])('refuses DATA_ENCRYPTION_KEY as %s', (_label, value) => {
      const problems = problemsOf({ ...PRODUCTION, DATA_ENCRYPTION_KEY: value });
      expect(variablesNamed(problems)).toEqual(['DATA_ENCRYPTION_KEY']);
    });

    it('accepts DATA_ENCRYPTION_KEY in base64url', () => {
      const key = Buffer.alloc(32, 0xfb);
      const config = parseEnvironment({
        ...PRODUCTION,
        DATA_ENCRYPTION_KEY: key.toString('base64url'),
      });
      expect(config.crypto.dataEncryptionKey).toEqual(key);
    });

    it('reports a malformed requirement once, not also as missing', () => {
      const problems = problemsOf({
        ...PRODUCTION,
        DATABASE_URL: 'mysql://u:p@db/lc',
        MINIO_ENDPOINT: 'ftp://minio',
      });
      expect(variablesNamed(problems)).toEqual(['MINIO_ENDPOINT', 'DATABASE_URL']);
    });
  });

  describe('DATA_ENCRYPTION_KEYS_PREVIOUS', () => {
    const previousA = Buffer.alloc(32, 0xa1);
    const previousB = Buffer.alloc(32, 0xb2);

    it('reads a comma-separated list, base64 or base64url, in order', () => {
      const config = parseEnvironment({
        ...PRODUCTION,
        DATA_ENCRYPTION_KEYS_PREVIOUS: ` ${previousA.toString('base64')} ,${previousB.toString('base64url')},`,
      });
      expect(config.crypto.dataEncryptionKey).toEqual(Buffer.alloc(32, 7));
      expect(config.crypto.previousKeys).toEqual([previousA, previousB]);
    });

    it('reads a single key', () => {
      const config = parseEnvironment({
        DATA_ENCRYPTION_KEYS_PREVIOUS: previousA.toString('base64'),
      });
      expect(config.crypto.previousKeys).toEqual([previousA]);
    });

    it('is optional in production', () => {
      expect(parseEnvironment(PRODUCTION).crypto.previousKeys).toEqual([]);
    });

    it('refuses a list with one bad entry, naming its position but not the value', () => {
      const bad = Buffer.alloc(16, 0xc3).toString('base64');
      const problems = problemsOf({
        ...PRODUCTION,
        DATA_ENCRYPTION_KEYS_PREVIOUS: `${previousA.toString('base64')},${bad}`,
      });
      expect(variablesNamed(problems)).toEqual(['DATA_ENCRYPTION_KEYS_PREVIOUS']);
      expect(problems[0]).toContain('entry 2 ');
      expect(problems[0]).not.toContain(bad);
      expect(problems[0]).not.toContain(previousA.toString('base64'));
    });

    it('names every bad entry in one line', () => {
      const problems = problemsOf({
        DATA_ENCRYPTION_KEYS_PREVIOUS: `not-a-key,${previousA.toString('hex')},${previousB.toString('base64')}`,
      });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^DATA_ENCRYPTION_KEYS_PREVIOUS entries 1, 2 /);
      expect(problems[0]).not.toContain('not-a-key');
    });
  });

  describe('password hashing pool', () => {
    it('defaults to cores - 1 threads (at least 1) and a queue of 4 per thread', () => {
      expect(parseEnvironment({}, '0.0.0', 8).auth).toMatchObject({
        passwordHashThreads: 7,
        passwordHashQueueMax: 28,
      });
      expect(parseEnvironment({}, '0.0.0', 1).auth).toMatchObject({
        passwordHashThreads: 1,
        passwordHashQueueMax: 4,
      });
    });

    it('reads PASSWORD_HASH_THREADS and PASSWORD_HASH_QUEUE_MAX (the queue follows the threads)', () => {
      expect(parseEnvironment({ PASSWORD_HASH_THREADS: '3' }, '0.0.0', 2).auth).toMatchObject({
        passwordHashThreads: 3,
        passwordHashQueueMax: 12,
      });
      expect(
        parseEnvironment({ PASSWORD_HASH_THREADS: '1', PASSWORD_HASH_QUEUE_MAX: '0' }).auth,
      ).toMatchObject({ passwordHashThreads: 1, passwordHashQueueMax: 0 });
    });

    it('refuses a thread count below 1 and a negative or fractional queue bound', () => {
      const problems = problemsOf({ PASSWORD_HASH_THREADS: '0', PASSWORD_HASH_QUEUE_MAX: '-1' });
      expect([...variablesNamed(problems)].sort()).toEqual([
        'PASSWORD_HASH_QUEUE_MAX',
        'PASSWORD_HASH_THREADS',
      ]);
      expect(variablesNamed(problemsOf({ PASSWORD_HASH_QUEUE_MAX: '2.5' }))).toContain(
        'PASSWORD_HASH_QUEUE_MAX',
      );
    });
  });

  describe('several problems at once', () => {
    it('reports one line per bad variable', () => {
      const problems = problemsOf({
        PORT: 'abc',
        DATABASE_POOL_SIZE: '0',
        DATABASE_SSL: 'maybe',
        LOG_LEVEL: 'loud',
        BCRYPT_ROUNDS: '40',
        THROTTLE_LIMIT: '1.5',
        TRUST_PROXY: 'true',
        ALLOWED_ORIGINS: '*,app.example.com,ftp://files.example.com',
        MAX_FILE_SIZE: '-1',
      });
      expect([...variablesNamed(problems)].sort()).toEqual(
        [
          'PORT',
          'DATABASE_POOL_SIZE',
          'DATABASE_SSL',
          'LOG_LEVEL',
          'BCRYPT_ROUNDS',
          'THROTTLE_LIMIT',
          'TRUST_PROXY',
          'ALLOWED_ORIGINS',
          'MAX_FILE_SIZE',
        ].sort(),
      );
      expect(problems.find((line) => line.startsWith('PORT '))).toContain('"abc"');
      for (const line of problems) expect(line).not.toContain('\n');
    });

    it('puts every problem in the error message, one per line', () => {
      let error: unknown;
      try {
        parseEnvironment({ PORT: '70000', DATABASE_POOL_SIZE: 'ten' });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigValidationError);
      const lines = (error as Error).message.split('\n');
      expect(lines.slice(1)).toEqual((error as ConfigValidationError).problems);
      expect(lines.slice(1)).toHaveLength(2);
    });
  });

  describe('secrets in problem lines', () => {
    const cases: [string, Env, string][] = [
      ['a short SECRET_KEY', { SECRET_KEY: 'short-secret-value' }, 'short-secret-value'],
      [
        'a bad DATA_ENCRYPTION_KEY',
        { DATA_ENCRYPTION_KEY: 'not-a-real-key-value' },
        'not-a-real-key-value',
      ],
      [
        'a bad DATA_ENCRYPTION_KEYS_PREVIOUS entry',
        { DATA_ENCRYPTION_KEYS_PREVIOUS: 'not-a-real-previous-key' },
        'not-a-real-previous-key',
      ],
      [
        'a DATABASE_URL with the wrong scheme',
        { DATABASE_URL: 'mysql://lc:db-secret-pw@db/lc' },
        'db-secret-pw',
      ],
      [
        'a DATABASE_URL without a scheme',
        { DATABASE_URL: 'lc:db-secret-pw@db:5432/lc' },
        'db-secret-pw',
      ],
      [
        'a DATABASE_URL whose password holds an @',
        { DATABASE_URL: 'mysql://lc:db-secret@pw@db/lc' },
        'db-secret',
      ],
      [
        'an unparsable DATABASE_URL',
        { DATABASE_URL: 'postgresql://lc:db-secret-pw@db:port/lc' },
        'db-secret-pw',
      ],
      [
        'a REDIS_URL with the wrong scheme',
        { REDIS_URL: 'http://default:redis-secret-pw@cache:6379' },
        'redis-secret-pw',
      ],
      [
        'a DRAGONFLY_URL with only a password',
        { DRAGONFLY_URL: 'dragonfly://:redis-secret-pw@cache:6379' },
        'redis-secret-pw',
      ],
      [
        'production with a short SECRET_KEY',
        { ...PRODUCTION, SECRET_KEY: 'prod-short-secret' },
        'prod-short-secret',
      ],
    ];

    it.each(cases)('never echoes %s', (_label, env, secret) => {
      const problems = problemsOf(env);
      expect(problems.length).toBeGreaterThan(0);
      for (const line of problems) expect(line).not.toContain(secret);
    });

    it('still shows harmless values', () => {
      expect(problemsOf({ DATABASE_URL: 'mysql://db/lc' })[0]).toContain('mysql://db/lc');
      expect(problemsOf({ DATABASE_URL: 'mysql://lc:pw@db/lc' })[0]).toContain('lc:***@db/lc');
    });
  });
});
