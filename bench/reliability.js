#!/usr/bin/env node
'use strict';
/*
 * `npm run reliability [-- --clients N --seconds S --kills K --seed X --keep]`
 *
 * The load-and-faults run at full size (default: 8 clients, 120 s, 6 SIGKILLs). It runs the very
 * test CI runs small (test/reliability/fault-run.spec.ts, through jest) with bigger numbers, so
 * the figures come from the same workload and the same checks; then it prints them as Markdown
 * and writes them to bench/results/reliability-<time>.{json,md} (git-ignored). docs/reliability.md
 * records a run. Exit code: jest's (0 when every check held).
 */
const { spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const RESULTS_DIR = path.join(__dirname, 'results');
const FULL_SIZE = { clients: 8, seconds: 120, kills: 6 };

const HELP = `usage: npm run reliability [-- options]

  --clients N   concurrent clients (default ${FULL_SIZE.clients})
  --seconds S   how long they post lifecycles (default ${FULL_SIZE.seconds})
  --kills K     SIGKILLs of the server during the run (default ${FULL_SIZE.kills})
  --seed X      the workload's random choices (default: random; printed)
  --keep        keep the data directory (its path is printed)
`;

const parse = (argv) => {
  const options = { ...FULL_SIZE, seed: undefined, keep: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = Number(argv[++i]);
      if (!Number.isSafeInteger(v) || v < 0) throw new Error(`${arg} takes a whole number`);
      return v;
    };
    if (arg === '--clients') options.clients = value();
    else if (arg === '--seconds') options.seconds = value();
    else if (arg === '--kills') options.kills = value();
    else if (arg === '--seed') options.seed = value();
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--help' || arg === '-h') options.help = true;
    else throw new Error(`unknown option ${arg}\n\n${HELP}`);
  }
  return options;
};

const commit = () => {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return `${head}${dirty ? ' + uncommitted changes in src/' : ''}`;
  } catch {
    return 'unknown';
  }
};

const markdown = (report, meta) => {
  const kinds = Object.entries(report.acknowledgedByKind).sort(([a], [b]) => a.localeCompare(b));
  const refused = Object.entries(report.refusedByCode).sort(([, a], [, b]) => b - a);
  const mismatches = Object.entries(report.mismatches);
  return [
    `## Load and faults — ${meta.startedAt}`,
    '',
    `${meta.cpus} × ${meta.cpuModel}, Node ${process.version}, commit ${meta.commit}, 1-minute load at start ${meta.load.toFixed(2)}`,
    '',
    `\`npm run reliability -- --clients ${report.options.clients} --seconds ${report.options.seconds} --kills ${report.options.kills} --seed ${report.options.seed}\``,
    '',
    '| figure | value |',
    '|---|---|',
    `| clients × seconds | ${report.options.clients} × ${report.options.seconds} s (ran ${(report.durationMs / 1000).toFixed(1)} s) |`,
    `| commands sent | ${report.commandsSent} |`,
    `| commands acknowledged (2xx) | ${report.acknowledged} |`,
    `| refused (4xx, rule violations the random workload ran into) | ${Object.values(report.refusedByStatus).reduce((a, b) => a + b, 0)} |`,
    `| commands sent again after a dead connection (same Idempotency-Key) | ${report.retried} (acknowledged: ${report.retriedAcknowledged}) |`,
    `| … of which the killed server had already stored (answer lost; the retry appended nothing) | ${report.retriedStoredBeforeKill} (${report.replayed} answered from the saved response) |`,
    `| … of which the killed server had not committed (stored on retry) | ${report.retriedStoredAfterRestart} |`,
    `| commands never answered | ${report.unanswered} |`,
    `| SIGKILLs survived | ${report.kills.length} (in flight at each: ${report.kills.map((k) => k.inFlight).join(', ')}; back after ${report.kills.map((k) => `${(k.downMs / 1000).toFixed(1)} s`).join(', ')}) |`,
    `| events stored | ${report.eventsStored} |`,
    `| claims | ${report.claims} |`,
    `| **mismatches** | **${report.mismatchCount}** |`,
    '',
    '| acknowledged by kind | count |',
    '|---|---|',
    ...kinds.map(([kind, n]) => `| ${kind} | ${n} |`),
    '',
    ...(refused.length === 0 ? [] : ['| refused by command and code | count |', '|---|---|', ...refused.map(([what, n]) => `| ${what} | ${n} |`), '']),
    '| check | mismatches |',
    '|---|---|',
    ...mismatches.map(([check, list]) => `| ${check} | ${list.length} |`),
    '',
  ].join('\n');
};

const main = () => {
  const options = parse(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const startedAt = new Date().toISOString();
  const meta = { startedAt, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', load: os.loadavg()[0], commit: commit() };
  const reportFile = path.join(os.tmpdir(), `bl-reliability-${process.pid}.json`);
  const env = {
    ...process.env,
    FAULT_RUN_CLIENTS: String(options.clients),
    FAULT_RUN_SECONDS: String(options.seconds),
    FAULT_RUN_KILLS: String(options.kills),
    FAULT_RUN_REPORT: reportFile,
    ...(options.seed !== undefined && { FAULT_RUN_SEED: String(options.seed) }),
    ...(options.keep && { FAULT_RUN_KEEP: '1' }),
  };
  process.stderr.write(`load and faults: ${options.clients} clients, ${options.seconds} s, ${options.kills} SIGKILLs (jest test/reliability/fault-run.spec.ts)\n`);
  const jest = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '--selectProjects', 'default', '--runInBand', 'test/reliability/fault-run.spec.ts'], {
    cwd: ROOT,
    env,
    stdio: 'inherit',
  });
  if (!fs.existsSync(reportFile)) {
    process.stderr.write('the run wrote no report (it failed before its checks; see above)\n');
    return jest.status ?? 1;
  }
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  fs.rmSync(reportFile, { force: true });
  const text = markdown(report, meta);
  process.stdout.write(`\n${text}`);
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = startedAt.replace(/[:.]/g, '-');
  fs.writeFileSync(path.join(RESULTS_DIR, `reliability-${stamp}.json`), `${JSON.stringify({ meta, report }, null, 2)}\n`);
  fs.writeFileSync(path.join(RESULTS_DIR, `reliability-${stamp}.md`), `${text}\n`);
  process.stderr.write(`written to bench/results/reliability-${stamp}.{json,md}\n`);
  return jest.status ?? 1;
};

try {
  process.exitCode = main();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
