#!/usr/bin/env node
// `npm start`: runs the compiled server, compiling first when the sources changed.
const { join } = require('node:path');
const { distDir, ensureBuild } = require('./ensure-build');

ensureBuild();
// Before anything the server requires, as `node -r` would: traces when OTEL_EXPORTER_OTLP_ENDPOINT
// is set, nothing otherwise.
require(join(distDir, 'tracing.js'));
require(join(distDir, 'main.js'));
