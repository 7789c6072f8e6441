#!/usr/bin/env node
'use strict';
const path = require('node:path');
const fs = require('node:fs');

const entry = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(entry)) {
  console.error('billing-ledger: not built yet; run `npm ci` (it builds) or `npm run build` first');
  process.exit(1);
}
require(entry).main(process.argv);
