/**
 * Operator commands: `npm run cli -- create-admin --username NAME --email EMAIL
 * [--first-name F] [--last-name L]`. The password comes from ADMIN_PASSWORD or a prompt
 * (not echoed). Unlike POST /auth/setup-first-admin, it also works when users exist (to
 * recover access). It uses the same configuration as the server; with no DATABASE_URL it
 * reaches the embedded PostgreSQL of a running `npm start`, or starts it. It needs the
 * database only (an embedded S3 server is started only because the runtime does so for
 * `npm start`; the commands do not use it).
 */
import { NestFactory } from '@nestjs/core';
import { ClsService } from 'nestjs-cls';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Module } from '@nestjs/common';
import { coreModules } from './app.module';
import { AuditModule } from './audit/audit.module';
import { CredentialsModule } from './auth/credentials.module';
import { SettingsModule } from './settings/settings.module';
import { UsersModule } from './users/users.module';
import { ConfigValidationError } from './config/environment';
import { loadDotEnv, prepareRuntime } from './config/runtime';
import { readEmbeddedDatabaseUrl } from './database/embedded-database-url';
import { problemFromError } from './common/http/problem';
import { ProblemValidationPipe } from './common/http/validation';
import { CreateUserDto } from './users/dto/create-user.dto';
import { UsersService } from './users/users.service';

const USAGE =
  'Usage: npm run cli -- create-admin --username NAME --email EMAIL [--first-name F] [--last-name L]\n' +
  '       (password from ADMIN_PASSWORD, or asked for)';

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

  loadDotEnv();
  const env: Record<string, string | undefined> = {
    ...process.env,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  env.DATABASE_URL ||= readEmbeddedDatabaseUrl(env.DATA_DIR ?? './.data');
  const runtime = await prepareRuntime(env);
  try {
    const app = await NestFactory.createApplicationContext(
      {
        module: CliModule,
        imports: [
          ...coreModules(runtime.config),
          AuditModule,
          SettingsModule,
          CredentialsModule,
          UsersModule,
        ],
      },
      { logger: ['error', 'warn'] },
    );
    try {
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
    } finally {
      await app.close();
    }
  } finally {
    await runtime.stop();
  }
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  if (command !== 'create-admin') throw new Error(USAGE);
  await createAdmin(args);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) {
    process.stderr.write(
      `Configuration error:\n${error.problems.map((p) => `  - ${p}`).join('\n')}\n`,
    );
  } else if (error instanceof Error && error.message.startsWith('Usage')) {
    process.stderr.write(`${error.message}\n`);
  } else {
    const { document, unexpected } = problemFromError(error);
    const lines = (document.errors ?? []).map((e) => `  - ${e.loc.slice(1).join('.')}: ${e.msg}`);
    const reason = unexpected ? (error as Error).message : document.detail;
    process.stderr.write(`Not created: ${reason}\n${lines.join('\n')}${lines.length ? '\n' : ''}`);
  }
  process.exit(1);
});
