#!/usr/bin/env node
// `npm run openapi [-- --out FILE]`: the OpenAPI document, without a database (see src/openapi.ts).
// Compiled first if needed: the document is built from the compiled code, whose Swagger plugin
// metadata (nest-cli.json) describes the DTOs.
const { join } = require('node:path');
const { distDir, ensureBuild } = require('./ensure-build');

ensureBuild();
require(join(distDir, 'openapi.js'));
