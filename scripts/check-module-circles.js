#!/usr/bin/env node
// Import circles between modules (the folders of src/), not only between files: madge's file
// graph, folded into a graph of folders. Type-only imports are left out: they vanish at run
// time (an entity's relation to another module's entity is typed that way).
// Part of `npm run circles`; exits 1 when modules import each other in a circle.
const madge = require('madge');
const { join } = require('node:path');

const root = join(__dirname, '..');

/** `users/user.entity.ts` → `users`; files directly in src/ are the app itself. */
const moduleOf = (file) => (file.includes('/') ? file.split('/')[0] : '(app)');

async function main() {
  const result = await madge(join(root, 'src'), {
    fileExtensions: ['ts'],
    excludeRegExp: [/\.spec\.ts$/],
    // Type-only imports vanish at run time (see .madgerc, which `madge` itself reads too).
    detectiveOptions: { ts: { skipTypeImports: true } },
  });
  const graph = new Map();
  for (const [file, imports] of Object.entries(result.obj())) {
    const from = moduleOf(file);
    if (from === '(app)') continue; // main.ts, app.module.ts and cli.ts wire everything
    const edges = graph.get(from) ?? new Set();
    for (const imported of imports) {
      const to = moduleOf(imported);
      if (to !== from && to !== '(app)') edges.add(to);
    }
    graph.set(from, edges);
  }
  // Every elementary circle would be too many to print: report each strongly connected group.
  const groups = stronglyConnected(graph).filter((group) => group.length > 1);
  if (groups.length) {
    console.error('Modules that import each other (directly or through others):');
    for (const group of groups) {
      console.error(`  ${group.sort().join(' <-> ')}`);
      for (const from of group) {
        const to = [...graph.get(from)].filter((name) => group.includes(name));
        console.error(`    ${from} imports ${to.join(', ')}`);
      }
    }
    process.exit(1);
  }
  console.log(`No import circles between the ${graph.size} modules of src/.`);
}

/** Tarjan's algorithm. */
function stronglyConnected(graph) {
  let index = 0;
  const indexes = new Map();
  const lowLinks = new Map();
  const stack = [];
  const onStack = new Set();
  const groups = [];
  const visit = (node) => {
    indexes.set(node, index);
    lowLinks.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indexes.has(next)) {
        visit(next);
        lowLinks.set(node, Math.min(lowLinks.get(node), lowLinks.get(next)));
      } else if (onStack.has(next)) {
        lowLinks.set(node, Math.min(lowLinks.get(node), indexes.get(next)));
      }
    }
    if (lowLinks.get(node) === indexes.get(node)) {
      const group = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      groups.push(group);
    }
  };
  for (const node of graph.keys()) if (!indexes.has(node)) visit(node);
  return groups;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
