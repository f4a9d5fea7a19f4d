/**
 * `npm run cli -- create-admin` as an operator runs it: the compiled `dist/src/cli.js`
 * (npm test builds first) against a database of the harness.
 */
import { runCli } from '../harness/cli';
import { withClient } from '../harness/pg';
import { cloneDatabase } from '../harness/test-app';

describe('cli create-admin', () => {
  let database: Awaited<ReturnType<typeof cloneDatabase>>;

  beforeAll(async () => {
    database = await cloneDatabase();
  });
  afterAll(() => database.drop());

  function run(args: string[], password?: string) {
    return runCli(
      database.url,
      args,
      password === undefined ? {} : { ADMIN_PASSWORD: password },
      20_000,
    );
  }

  async function users(): Promise<{ username: string; role: string; password_hash: string }[]> {
    return withClient(
      database.url,
      async (client) =>
        (await client.query('SELECT username, role, password_hash FROM users')).rows,
    );
  }

  it('creates an administrator with the password from ADMIN_PASSWORD', async () => {
    const result = await run(
      ['create-admin', '--username', 'ops', '--email', 'ops@example.test'],
      'Str0ng-Passw0rd',
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Created administrator ops \(/);
    const [admin] = await users();
    expect(admin).toMatchObject({ username: 'ops', role: 'admin' });
    expect(admin.password_hash).toMatch(/^\$2[aby]\$/);
  });

  it('refuses a duplicate, a weak password and missing arguments, creating nothing', async () => {
    const duplicate = await run(
      ['create-admin', '--username', 'OPS', '--email', 'other@example.test'],
      'Str0ng-Passw0rd',
    );
    expect(duplicate.status).toBe(1);
    expect(duplicate.stderr).toMatch(/already exists/);
    const weak = await run(
      ['create-admin', '--username', 'ops2', '--email', 'ops2@example.test'],
      'weak',
    );
    expect(weak.status).toBe(1);
    expect(weak.stderr).toMatch(/password: /);
    const usage = await run(['create-admin', '--username', 'ops3'], 'Str0ng-Passw0rd');
    expect(usage.status).toBe(1);
    expect(usage.stderr).toMatch(/^Usage: /);
    expect(usage.stderr).not.toMatch(/\n\s+at /);
    expect((await users()).map((user) => user.username)).toEqual(['ops']);
  });
});
