#!/usr/bin/env node
// `npm start`: runs the compiled server, compiling first when the sources changed.
const { join } = require('node:path');
const { distDir, ensureBuild } = require('./ensure-build');

ensureBuild();
require(join(distDir, 'main.js'));
