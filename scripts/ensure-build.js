// Compiles the server when the sources are newer than the last build made here (`npm start`
// and `npm run cli` run the compiled code; compiling on every start would make it slow).
const { spawnSync } = require('node:child_process');
const { readdirSync, statSync, utimesSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const entry = join(root, 'dist', 'src', 'main.js');
// Touched by each build made here. The compiler rewrites only the outputs that changed, so the
// age of dist/src/main.js says nothing about the last build: comparing with it would rebuild on
// every start once any other file had changed.
const stamp = join(root, 'dist', '.start-build-stamp');

function newestChange(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestChange(join(path, name))), stat.mtimeMs);
}

const sources = ['src', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json', 'package-lock.json'];
const sourcesChanged = Math.max(...sources.map((name) => newestChange(join(root, name))));
const built = statSync(entry, { throwIfNoEntry: false })
  ? (statSync(stamp, { throwIfNoEntry: false })?.mtimeMs ?? 0)
  : 0;

function ensureBuild() {
  if (sourcesChanged <= built) return;
  console.log('Compiling the server (sources changed since the last build)...');
  const buildStarted = new Date();
  const result = spawnSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
  // The start time: a source saved during the build is still newer than the stamp.
  writeFileSync(stamp, '');
  utimesSync(stamp, buildStarted, buildStarted);
}

if (require.main === module) ensureBuild();

module.exports = { ensureBuild, distDir: join(root, 'dist', 'src') };
