#!/usr/bin/env node
// `npm run cli -- <command> ...`: operator commands (see src/cli.ts), compiled first if needed.
const { join } = require('node:path');
const { distDir, ensureBuild } = require('./ensure-build');

ensureBuild();
require(join(distDir, 'cli.js'));
