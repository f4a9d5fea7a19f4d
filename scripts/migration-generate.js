#!/usr/bin/env node
// `npm run migration:generate -- AddCustomers`: writes migrations/<timestamp>-AddCustomers.ts
// from the difference between the entities and the database (review it by hand).
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const name = process.argv[2];
if (!name || !/^[A-Za-z][A-Za-z0-9]*$/.test(name)) {
  console.error('Usage: npm run migration:generate -- MigrationName   (letters and digits)');
  process.exit(1);
}
const root = join(__dirname, '..');
const result = spawnSync(
  process.execPath,
  [
    require.resolve('typeorm/cli-ts-node-commonjs.js'),
    '-d',
    'src/database/data-source.ts',
    'migration:generate',
    `migrations/${name}`,
    '--pretty',
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' } },
);
process.exit(result.status ?? 1);
