#!/usr/bin/env node
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'node', 'cli.cjs');
if (!fs.existsSync(cli)) {
  process.stderr.write('cairn: not built yet; run "npm run build" in ' + path.join(__dirname, '..') + '\n');
  process.exit(2);
}
require(cli);
