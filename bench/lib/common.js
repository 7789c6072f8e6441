'use strict';
/*
 * Shared plumbing for the benchmark parts: options, the compiled ledger in dist/, timing,
 * percentiles, child processes (for peak RSS) and the report (a Markdown table and JSON).
 * Plain CommonJS on purpose: `npm run bench` runs right after `npm ci` (which builds dist/),
 * with no TypeScript runner in between.
 */
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');

/**
 * The compiled ledger the bench measures: dist/ (mirrors src/), or BENCH_DIST, e.g. a build of a
 * clean checkout of one commit, to measure that commit while src/ is being edited.
 */
const DIST_DIR = process.env.BENCH_DIST ? path.resolve(process.env.BENCH_DIST) : path.join(ROOT, 'dist');

/** Loads a module of the compiled ledger. */
const dist = (relative) => require(path.join(DIST_DIR, relative));

/** Names of src/ files newer than their compiled dist/ copy: the bench would measure old code. */
const staleDistFiles = () => {
  const stale = [];
  if (DIST_DIR !== path.join(ROOT, 'dist')) return stale;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
        const compiled = path.join(ROOT, 'dist', path.relative(path.join(ROOT, 'src'), full)).replace(/\.ts$/, '.js');
        if (!fs.existsSync(compiled) || fs.statSync(compiled).mtimeMs < fs.statSync(full).mtimeMs) stale.push(path.relative(ROOT, full));
      }
    }
  };
  walk(path.join(ROOT, 'src'));
  return stale;
};

const SIZES = { '1e4': 10_000, '1e5': 100_000, '1e6': 1_000_000 };

/**
 * Options shared by every part. `--quick` is the CI smoke check (all parts in under 2 minutes);
 * `--events` is the largest event count a part loads (rebuild runs 10k, 100k, 1M up to it).
 */
const parseOptions = (argv) => {
  const options = { quick: false, events: undefined, parts: [], dir: undefined, keep: false, peer: undefined, seconds: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--quick') options.quick = true;
    else if (arg === '--events') {
      const raw = value();
      const n = SIZES[raw] ?? Number(raw);
      if (!Number.isSafeInteger(n) || n < 1000) throw new Error(`--events takes 1e4, 1e5, 1e6 or a count >= 1000, not ${raw}`);
      options.events = n;
    } else if (arg === '--seconds') {
      options.seconds = Number(value());
      if (!(options.seconds > 0 && options.seconds <= 60)) throw new Error('--seconds takes a number of seconds in (0, 60]');
    } else if (arg === '--dir') options.dir = path.resolve(value());
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--peer') options.peer = true;
    else if (arg === '--no-peer') options.peer = false;
    else if (arg === '--help' || arg === '-h') options.help = true;
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else options.parts.push(arg);
  }
  options.events ??= options.quick ? 100_000 : 1_000_000;
  /** How long each timed phase runs (the duration-bounded figures). */
  options.seconds ??= options.quick ? 2 : 8;
  return options;
};

const now = () => performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The q-th percentile (0..1) of a list of numbers (nearest rank). */
const percentile = (values, q) => {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
};

const median = (values) => percentile(values, 0.5);

/** Runs `node script args…` and parses the last stdout line as JSON (children report that way). */
const runChild = (script, args, { env = {}, execArgv = [], timeoutMs = 15 * 60_000 } = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...execArgv, script, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`${path.basename(script)} ${args.join(' ')} exited with ${code ?? signal}`));
      const last = out.trim().split('\n').pop();
      try {
        resolve(JSON.parse(last ?? ''));
      } catch {
        reject(new Error(`${path.basename(script)} printed no JSON result: ${out.slice(-500)}`));
      }
    });
  });

/** Peak resident set size of this process so far, in MB (ru_maxrss is in kilobytes on Linux). */
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

/** A fresh directory for one measurement's files. */
const freshDir = (root, name) => {
  const dir = path.join(root, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
};

/** Which code the run measured: the checkout's commit (and whether src/ has edits), or BENCH_DIST's. */
const commitMeasured = () => {
  if (DIST_DIR !== path.join(ROOT, 'dist')) {
    // A build from elsewhere: its checkout names its commit in a COMMIT file beside its dist/.
    const named = path.join(DIST_DIR, '..', 'COMMIT');
    return `${fs.existsSync(named) ? fs.readFileSync(named, 'utf8').trim() : 'unknown'} (BENCH_DIST=${DIST_DIR})`;
  }
  const git = (...args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const commit = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain', '--', 'src') === '' ? commit : `${commit} (src modified)`;
  } catch {
    return 'unknown'; // not a git checkout
  }
};

const machine = () => {
  const Database = require('better-sqlite3');
  const db = new Database(':memory:');
  const sqlite = db.prepare('select sqlite_version() v').get().v;
  db.close();
  const commit = commitMeasured();
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    sqlite,
    platform: `${os.platform()} ${os.release()}`,
    /** Other work on the machine skews every figure: the 1-minute load when the run started. */
    loadAverage1m: os.loadavg()[0],
    commit,
  };
};

// ---- report ---------------------------------------------------------------------------------

const fmt = (value, digits) => {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return String(value);
  const d = digits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
  return value.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
};

/**
 * One row of a part's table. `baseline` is what the figure is compared with in the same run;
 * `target` is the target as a predicate with its wording.
 */
const row = (figure, value, unit, extra = {}) => {
  const r = { figure, value, unit, ...extra };
  if (r.baseline && typeof r.baseline.value === 'number' && typeof value === 'number' && r.ratio === undefined) {
    // For a cost (µs per event), the ratio is still "how many times better than the baseline".
    r.ratio = r.lowerIsBetter ? r.baseline.value / value : value / r.baseline.value;
  }
  if (r.target) {
    assert.equal(typeof r.target.met, 'boolean', `${figure}: a target says whether it is met`);
  }
  return r;
};

const markdownTable = (part) => {
  const lines = [`### ${part.title}`, ''];
  if (part.skipped) {
    lines.push(`Skipped: ${part.skipped}`, '');
    return lines.join('\n');
  }
  lines.push('| figure | value | baseline (same run) | ratio | target | met |', '|---|---:|---|---:|---|:---:|');
  for (const r of part.rows) {
    const value = `${fmt(r.value, r.digits)} ${r.unit}`;
    const baseline = r.baseline ? `${r.baseline.name}: ${fmt(r.baseline.value, r.baseline.digits)} ${r.baseline.unit ?? r.unit}` : '';
    const ratio = r.ratio === undefined ? '' : `${fmt(r.ratio, 2)}×`;
    const target = r.target ? r.target.text : '';
    const met = r.target ? (r.target.met ? 'yes' : '**no**') : '';
    lines.push(`| ${r.figure} | ${value} | ${baseline} | ${ratio} | ${target} | ${met} |`);
  }
  if (part.notes?.length) lines.push('', ...part.notes.map((n) => `- ${n}`));
  lines.push('');
  return lines.join('\n');
};

const writeResults = (report) => {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const name = `bench-${report.options.quick ? 'quick-' : ''}${stamp}`;
  const jsonPath = path.join(RESULTS_DIR, `${name}.json`);
  const mdPath = path.join(RESULTS_DIR, `${name}.md`);
  const replacer = (_, v) => (typeof v === 'bigint' ? v.toString() : v);
  fs.writeFileSync(jsonPath, `${JSON.stringify(report, replacer, 2)}\n`);
  fs.writeFileSync(mdPath, report.markdown);
  fs.copyFileSync(jsonPath, path.join(RESULTS_DIR, 'latest.json'));
  fs.copyFileSync(mdPath, path.join(RESULTS_DIR, 'latest.md'));
  return { jsonPath, mdPath };
};

/** A minimal log line on stderr, so stdout keeps only the tables. */
const log = (message) => process.stderr.write(`[bench] ${message}\n`);

module.exports = {
  ROOT,
  DIST_DIR,
  RESULTS_DIR,
  dist,
  staleDistFiles,
  parseOptions,
  now,
  sleep,
  percentile,
  median,
  runChild,
  peakRssMb,
  freshDir,
  machine,
  fmt,
  row,
  markdownTable,
  writeResults,
  log,
};
