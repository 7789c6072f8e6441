#!/usr/bin/env node
'use strict';
/*
 * `npm run bench [-- PART… --quick --events 1e5|1e6 --seconds S --dir DIR --keep --peer|--no-peer]`
 *
 * Runs the benchmark parts (all by default) against the compiled ledger in dist/, prints one
 * Markdown table per part on stdout and writes the whole report as JSON and Markdown to
 * bench/results/ (git-ignored). Every figure is compared with a baseline measured in the same
 * run by the same script. Speed is measured here, never in timed tests.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { DIST_DIR, log, machine, markdownTable, parseOptions, staleDistFiles, writeResults } = require('./lib/common');

const PARTS = {
  storage: () => require('./storage'),
  commands: () => require('./commands'),
  http: () => require('./http'),
  rebuild: () => require('./rebuild'),
  peer: () => require('./peer'),
  export: () => require('./export-verify'),
  prototypes: () => require('./prototypes'),
};
/** Parts run when none is named: the six. Prototypes run only when named. */
const DEFAULT_PARTS = ['storage', 'commands', 'http', 'rebuild', 'peer', 'export'];

const HELP = `usage: npm run bench [-- [${Object.keys(PARTS).join('|')}]… [options]]

  no part named: ${DEFAULT_PARTS.join(', ')} (prototypes, the evidence for docs/performance.md, only when named)

  --quick            small sizes and short phases: every part in under 2 minutes (the CI smoke check)
  --events 1e5|1e6   the largest event count (default 1e6, quick 1e5); rebuild and export run 10k, 100k, 1M
                     up to it (export 10k only in a quick run)
  --seconds S        time given to each timed figure (default 8, quick 2), split into interleaved rounds
  --peer / --no-peer install the peer (Emmett) if absent / skip it (default: install in a full run,
                     skip in a quick run unless bench/peers/node_modules is already there)
  --dir DIR          scratch directory for the SQLite files (default: a new one in the OS temp dir)
  --keep             keep the scratch directory

environment: BENCH_DIST=DIR measures that build instead of dist/ (docs/performance.md shows how to
make one of a commit); BENCH_SERVER_EXEC_ARGV='--cpu-prof …' profiles the HTTP part's servers;
PROTOTYPES=fsync,pragmas,ids,hash-chain picks prototypes.
`;

const main = async () => {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(HELP);
    return;
  }
  const unknown = options.parts.filter((p) => !(p in PARTS));
  if (unknown.length > 0) throw new Error(`unknown part ${unknown.join(', ')}; parts: ${Object.keys(PARTS).join(', ')}`);
  if (!fs.existsSync(path.join(DIST_DIR, 'app.js'))) throw new Error(`${DIST_DIR} is missing: run \`npm run build\` (npm ci does it) first`);
  const stale = staleDistFiles();
  if (stale.length > 0) {
    log(`WARNING: dist/ is older than src/ for ${stale.length} file(s) (${stale.slice(0, 5).join(', ')}${stale.length > 5 ? ', …' : ''}): ` +
      'the bench measures dist/; run `npm run build` to measure the current source');
  }
  const parts = options.parts.length > 0 ? options.parts : DEFAULT_PARTS;
  const workDir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'billing-ledger-bench-'));
  fs.mkdirSync(workDir, { recursive: true });
  const ctx = { options, workDir, cache: {} };
  const report = { startedAt: new Date().toISOString(), options: { ...options, parts }, machine: machine(), staleDist: stale, parts: [] };
  const started = performance.now();
  log(`${options.quick ? 'quick' : 'full'} run of ${parts.join(', ')}; up to ${options.events.toLocaleString('en-US')} events; ${options.seconds} s phases; scratch ${workDir}`);

  process.stdout.write(
    `## billing-ledger bench — ${report.startedAt}\n\n` +
      `${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memoryGb} GB, Node ${report.machine.node}, SQLite ${report.machine.sqlite}, commit ${report.machine.commit}` +
      `, load ${report.machine.loadAverage1m.toFixed(2)}${options.quick ? ' — quick run (small sizes, short phases)' : ''}\n\n`,
  );
  if (report.machine.loadAverage1m > 0.5) {
    log(`WARNING: the machine is busy (1-minute load ${report.machine.loadAverage1m.toFixed(2)}): figures will be low and noisy`);
  }
  let failed = false;
  try {
    for (const name of parts) {
      const partStarted = performance.now();
      let part;
      try {
        part = await PARTS[name]().run(ctx);
      } catch (error) {
        failed = true;
        log(`${name} failed: ${error instanceof Error ? error.stack : String(error)}`);
        part = { key: name, title: name, rows: [], failed: String(error instanceof Error ? error.message : error), skipped: `FAILED: ${error instanceof Error ? error.message : error}` };
      }
      part.seconds = (performance.now() - partStarted) / 1000;
      report.parts.push(part);
      process.stdout.write(`${markdownTable(part)}\n`);
      log(`${name} done in ${part.seconds.toFixed(1)} s`);
    }
  } finally {
    if (!options.keep) fs.rmSync(workDir, { recursive: true, force: true });
  }
  report.seconds = (performance.now() - started) / 1000;
  report.markdown = report.parts.map(markdownTable).join('\n');
  const { jsonPath } = writeResults(report);
  process.stdout.write(`Total ${report.seconds.toFixed(0)} s. Results: ${path.relative(process.cwd(), jsonPath)}\n`);
  if (failed) process.exitCode = 1;
};

main().catch((error) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
