#!/usr/bin/env node
// A module owns its tables (STYLE.md "Boundaries"): only it names them in SQL. This check finds
// each table's owner from its entity (`@Entity('name')` in src/<module>/...), then reads the SQL
// in every other source file (string and template literals, and query-builder `.from()` /
// `.into()` / `.update()` / `.delete().from()` calls) and reports a table named outside its
// module. Migrations and the demo seeder are tools that write the whole schema: not checked.
// Part of `npm run lint`; exits 1 when it finds something.
const { readdirSync, readFileSync, statSync } = require('node:fs');
const { join, relative, sep } = require('node:path');

const root = join(__dirname, '..');
const src = join(root, 'src');
const EXEMPT_MODULES = new Set(['seed']);

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** `src/<module>/...` → module; files directly in src/ belong to the app itself. */
function moduleOf(file) {
  const parts = relative(src, file).split(sep);
  return parts.length > 1 ? parts[0] : '(app)';
}

const files = sourceFiles(src);
const owners = new Map();
for (const file of files) {
  for (const match of readFileSync(file, 'utf8').matchAll(/@Entity\(\s*'([a-z_]+)'/g)) {
    owners.set(match[1], moduleOf(file));
  }
}
const tables = [...owners.keys()].join('|');
// A table in SQL: after FROM, JOIN, INTO, UPDATE, TABLE, or as a query builder's source.
const inSql = new RegExp(
  String.raw`\b(?:FROM|JOIN|INTO|UPDATE|TABLE|TRUNCATE|ON\s+TABLE)\s+"?(${tables})"?\b`,
  'gi',
);
const inBuilder = new RegExp(String.raw`\.(?:from|into|update)\(\s*'(${tables})'`, 'g');
/** The text of string and template literals (SQL lives there), comments left out. */
function literals(text) {
  const withoutComments = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return withoutComments.match(/`(?:\\[\s\S]|[^`\\])*`|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"/g) ?? [];
}

const problems = [];
for (const file of files) {
  const module = moduleOf(file);
  if (EXEMPT_MODULES.has(module)) continue;
  const text = readFileSync(file, 'utf8');
  const named = new Set();
  for (const literal of literals(text)) {
    for (const match of literal.matchAll(inSql)) named.add(match[1].toLowerCase());
  }
  for (const match of text.matchAll(inBuilder)) named.add(match[1]);
  for (const table of named) {
    const owner = owners.get(table);
    if (owner && owner !== module) {
      problems.push(`${relative(root, file)}: SQL names "${table}", a table of src/${owner}/`);
    }
  }
}

if (problems.length) {
  console.error(`A module runs SQL on another module's table (ask its service instead):`);
  for (const problem of problems.sort()) console.error(`  ${problem}`);
  process.exit(1);
}
console.log(`Table ownership: ${owners.size} tables, each named in SQL only by its module.`);
