/**
 * Operator commands:
 * - `npm run cli -- create-admin --username NAME --email EMAIL [--first-name F]
 *   [--last-name L]`. The password comes from ADMIN_PASSWORD or a prompt (not echoed). Unlike
 *   POST /auth/setup-first-admin, it also works when users exist (to recover access).
 * - `npm run seed:demo -- [--applications N] [--branches N] [--seed N] [--force]` (the
 *   command `seed-demo`): demo organisation and applications in bulk (src/seed/demo-seed.ts);
 *   refused with NODE_ENV=production unless --force.
 *
 * - `npm run cli -- reencrypt`: after a key rotation, every encrypted value and its hash
 *   under the current key (src/common/crypto/reencrypt.ts).
 *
 * - `npm run cli -- customer-links`: lists, read-only, the applications linked (before the
 *   rule of SPEC §4) to a customer their creator could not see, one tab-separated line each
 *   (src/applications/reads/unseen-customer-links.ts). Nothing is unlinked.
 *
 * - `npm run storage:check -- [--older-than 1h] [--fix]` (the command `storage-check`): compares
 *   the bucket with the file rows, upload intents and chunked uploads (src/files/storage-check.ts)
 *   and reports object orphans, intents in flight and rows without an object. `--fix` deletes
 *   the orphan objects only. Exit code 0 when clean, 2 when orphans or rows without an object
 *   were found (also when --fix deleted them), 1 when the check could not run.
 *
 * They use the same configuration as the server; with no DATABASE_URL they reach the embedded
 * PostgreSQL of a running `npm start`, or start it. They need the database only (an embedded
 * S3 server is started only because the runtime does so for `npm start`; the commands do not
 * use it).
 */
import { NestFactory } from '@nestjs/core';
import { ClsService } from 'nestjs-cls';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { type INestApplicationContext, Module, type ModuleMetadata } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from './config/app-config';
import { dataSourceOptions } from './database/data-source-options';
import { coreModules, identityModules } from './app.module';
import { AuditModule } from './audit/audit.module';
import { PasswordHasher } from './credentials/password-hasher';
import { FieldCipher } from './common/crypto/field-cipher';
import { reencryptAll } from './common/crypto/reencrypt';
import type { SealedColumn } from './common/crypto/sealed-column';
import { APPLICATION_SEALED_COLUMNS } from './applications/application.entity';
import { CUSTOMER_ID_NUMBER } from './customers/customer.entity';
import { findUnseenCustomerLinks } from './applications/reads/unseen-customer-links';
import { ConfigValidationError } from './config/environment';
import { loadDotEnv } from './config/dotenv';
import { prepareRuntime } from './runtime';
import { readEmbeddedDatabaseUrl } from './database/embedded-database-url';
import { problemFromError } from './common/http/problem';
import { ProblemValidationPipe } from './common/http/validation';
import { checkStorage, parseDuration } from './files/storage-check';
import { StorageModule } from './storage/storage.module';
import { StorageService } from './storage/storage.service';
import { CreateUserDto } from './users/dto/create-user.dto';
import { UsersService } from './users/users.service';
import {
  assertMaySeed,
  DEMO_SEED_USAGE,
  describeDemoSeed,
  parseDemoSeedArgs,
  seedDemo,
} from './seed/demo-seed';

const USAGE =
  'Usage: npm run cli -- create-admin --username NAME --email EMAIL [--first-name F] [--last-name L]\n' +
  '       (password from ADMIN_PASSWORD, or asked for)\n' +
  DEMO_SEED_USAGE.replace(/^Usage: /, '       ') +
  '\n       npm run cli -- reencrypt   (after a key rotation; see README)' +
  '\n       npm run cli -- customer-links   (applications linked to a customer their creator could not see)' +
  '\n       npm run storage:check -- [--older-than 1h] [--fix]   (orphan objects, intents in flight, rows without an object)';

/** What the commands need: the database and users, not HTTP nor the object store. */
@Module({})
class CliModule {}

async function askPassword(): Promise<string> {
  if (!process.stdin.isTTY) throw new Error('Set ADMIN_PASSWORD (no terminal to ask on).');
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const mute = rl as unknown as { _writeToOutput: (text: string) => void };
  const ask = (question: string) =>
    new Promise<string>((resolve) => {
      process.stdout.write(question);
      mute._writeToOutput = () => undefined;
      rl.question('', (answer) => {
        process.stdout.write('\n');
        resolve(answer);
      });
    });
  try {
    const first = await ask('Password: ');
    const again = await ask('Repeat password: ');
    if (first !== again) throw new Error('The passwords differ.');
    return first;
  } finally {
    rl.close();
  }
}

async function createAdmin(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      username: { type: 'string' },
      email: { type: 'string' },
      'first-name': { type: 'string', default: 'System' },
      'last-name': { type: 'string', default: 'Administrator' },
    },
  });
  if (!values.username || !values.email) throw new Error(USAGE);
  const password = process.env.ADMIN_PASSWORD ?? (await askPassword());

  await withApplicationContext([AuditModule, identityModules().users], async (app) => {
    // The same validation as the HTTP route's body.
    const input = (await new ProblemValidationPipe().transform(
      {
        username: values.username,
        email: values.email,
        password,
        first_name: values['first-name'],
        last_name: values['last-name'],
        role: 'admin',
      },
      { type: 'body', metatype: CreateUserDto },
    )) as CreateUserDto;
    const user = await app.get(ClsService).run(() => app.get(UsersService).create(input, null));
    process.stdout.write(`Created administrator ${user.username} (${user.id}).\n`);
  });
}

async function seedDemoData(args: string[]): Promise<void> {
  const options = parseDemoSeedArgs(args);
  loadDotEnv();
  assertMaySeed(process.env.NODE_ENV, options.force);
  process.stdout.write(
    `Seeding ${options.applications} demo applications over ${options.branches} branches (seed ${options.seed})...\n`,
  );
  // The hasher alone (no settings nor sessions): bcrypt at the configured cost, run once.
  await withApplicationContext(
    [],
    async (app) => {
      const database = app.get(ConfigService<AppConfig, true>).get('database', { infer: true });
      const owner = database.migrationUrl
        ? await new DataSource(
            dataSourceOptions({ ...database, url: database.migrationUrl, poolSize: 7 }),
          ).initialize()
        : undefined;
      try {
        const result = await seedDemo(
          {
            dataSource: app.get(DataSource),
            owner,
            cipher: app.get(FieldCipher),
            hashPassword: (password) => app.get(PasswordHasher).hash(password),
            log: (line) => process.stdout.write(`${line}\n`),
          },
          options,
        );
        process.stdout.write(`${describeDemoSeed(result)}\n`);
      } finally {
        await owner?.destroy();
      }
    },
    [PasswordHasher],
  );
}

/**
 * Runs `work` in a Nest application context with the core modules (configuration, migrated
 * database, field cipher) and `imports`, then closes it and stops the embedded services.
 */
async function withApplicationContext(
  imports: NonNullable<ModuleMetadata['imports']>,
  work: (app: INestApplicationContext) => Promise<void>,
  providers: NonNullable<ModuleMetadata['providers']> = [],
): Promise<void> {
  loadDotEnv();
  const env: Record<string, string | undefined> = {
    ...process.env,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  env.DATABASE_URL ||= await runningEmbeddedDatabase(env.DATA_DIR ?? './.data');
  const runtime = await prepareRuntime(env);
  try {
    const app = await NestFactory.createApplicationContext(
      { module: CliModule, imports: [...coreModules(runtime.config), ...imports], providers },
      { logger: ['error', 'warn'] },
    );
    try {
      await work(app);
    } finally {
      await app.close();
    }
  } finally {
    await runtime.stop();
  }
}

/**
 * The URL of the embedded PostgreSQL of a running `npm start`, when it answers. A server
 * killed outright leaves its URL behind; the runtime then starts the database itself.
 */
async function runningEmbeddedDatabase(dataDir: string): Promise<string | undefined> {
  const url = readEmbeddedDatabaseUrl(dataDir);
  if (!url) return undefined;
  const { hostname, port } = new URL(url);
  const answers = await new Promise<boolean>((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) || 5432, timeout: 1000 });
    const settle = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.once('connect', () => settle(true));
    socket.once('timeout', () => settle(false));
    socket.once('error', () => settle(false));
  });
  return answers ? url : undefined;
}

/** Every sealed column, as the modules that own them declare them; rewritten in this order. */
const SEALED_COLUMNS: readonly SealedColumn[] = [
  CUSTOMER_ID_NUMBER,
  ...Object.values(APPLICATION_SEALED_COLUMNS),
];

/** After a key rotation: every encrypted value and its hash under the current key. */
async function reencrypt(): Promise<void> {
  await withApplicationContext([], async (app) => {
    const reports = await reencryptAll(app.get(DataSource), app.get(FieldCipher), SEALED_COLUMNS);
    for (const { table, column, checked, rewritten } of reports) {
      process.stdout.write(`${table}.${column}: ${rewritten} of ${checked} values rewritten\n`);
    }
  });
}

/** Read-only: the links whose creator could not see the customer, for an operator to review. */
async function customerLinks(): Promise<void> {
  await withApplicationContext([], async (app) => {
    const links = await findUnseenCustomerLinks(app.get(DataSource));
    if (links.length === 0) {
      process.stdout.write('No application links a customer its creator could not see.\n');
      return;
    }
    const columns = [
      'application_id',
      'customer_id',
      'creator_id',
      'creator',
      'creator_branch',
      'customer_branch',
    ];
    const lines = links.map((link) =>
      [
        link.application_id,
        link.customer_id,
        link.creator_id,
        link.creator_username,
        link.creator_branch ?? '-',
        link.customer_branch ?? '-',
      ].join('\t'),
    );
    const count =
      links.length === 1
        ? '1 application links a customer its creator could not see'
        : `${links.length} applications link a customer their creator could not see`;
    process.stdout.write(
      `${columns.join('\t')}\n${lines.join('\n')}\n${count} (nothing was changed).\n`,
    );
  });
}

/** Exit code of a storage check that found orphans or rows without an object. */
const STORAGE_NOT_CLEAN = 2;

/** Compares the bucket with the rows; `--fix` deletes orphan objects (never rows). */
async function storageCheck(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { 'older-than': { type: 'string', default: '1h' }, fix: { type: 'boolean' } },
  });
  const olderThan = values['older-than'];
  const olderThanMs = parseDuration(olderThan);
  if (olderThanMs === undefined) throw new Error(USAGE);
  await withApplicationContext([StorageModule], async (app) => {
    const result = await checkStorage(app.get(DataSource), app.get(StorageService), {
      olderThan,
      olderThanMs,
      fix: values.fix === true,
    });
    process.stdout.write(result.text);
    if (!result.clean) process.exitCode = STORAGE_NOT_CLEAN;
  });
}

const COMMANDS = new Map<string, (args: string[]) => Promise<void>>([
  ['create-admin', createAdmin],
  ['seed-demo', seedDemoData],
  ['reencrypt', reencrypt],
  ['customer-links', customerLinks],
  ['storage-check', storageCheck],
]);

const [command, ...args] = process.argv.slice(2);

async function main(): Promise<void> {
  const run = COMMANDS.get(command ?? '');
  if (!run) throw new Error(USAGE);
  await run(args);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) {
    process.stderr.write(
      `Configuration error:\n${error.problems.map((p) => `  - ${p}`).join('\n')}\n`,
    );
  } else if (error instanceof Error && error.message.startsWith('Usage')) {
    process.stderr.write(`${error.message}\n`);
  } else if (command === 'storage-check') {
    process.stderr.write(`Could not check the storage: ${(error as Error).message}\n`);
  } else if (command === 'customer-links') {
    process.stderr.write(`Could not list the customer links: ${(error as Error).message}\n`);
  } else if (command === 'seed-demo') {
    // The seed writes in one transaction: a failure leaves nothing behind.
    process.stderr.write(`Demo data not created: ${(error as Error).message}\n`);
  } else {
    const { document, unexpected } = problemFromError(error);
    const lines = (document.errors ?? []).map((e) => `  - ${e.loc.slice(1).join('.')}: ${e.msg}`);
    const reason = unexpected ? (error as Error).message : document.detail;
    process.stderr.write(`Not created: ${reason}\n${lines.join('\n')}${lines.length ? '\n' : ''}`);
  }
  process.exit(1);
});
