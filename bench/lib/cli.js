'use strict';
/*
 * Runs the compiled CLI (dist/cli.js, or BENCH_DIST's) as a user would: a child process with
 * LEDGER_DATA_DIR set, timed from spawn to exit, so its figures include Node's and the CLI's
 * startup. Its peak RSS and CPU time come from a preloaded exit hook (peak-rss-on-exit.js).
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { DIST_DIR, now } = require('./common');

const PRELOAD = path.join(__dirname, 'peak-rss-on-exit.js');
/** The CLI's stderr (its progress bar) is kept only to explain a failure: its last bytes. */
const STDERR_KEPT_BYTES = 4_096;
const CLI_TIMEOUT_MS = 30 * 60_000;

/**
 * `node dist/cli.js ARGS…` with LEDGER_DATA_DIR=dataDir. Resolves to its stdout, wall seconds,
 * peak RSS and CPU seconds; rejects if it exits with another status than `expectStatus`.
 */
const runCli = (args, { dataDir, expectStatus = 0 }) =>
  new Promise((resolve, reject) => {
    const usageFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cli-')), 'usage.json');
    const started = now();
    const child = spawn(process.execPath, ['-r', PRELOAD, path.join(DIST_DIR, 'cli.js'), ...args], {
      env: { ...process.env, LEDGER_DATA_DIR: dataDir, BENCH_USAGE_FILE: usageFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-STDERR_KEPT_BYTES)));
    const timer = setTimeout(() => child.kill('SIGKILL'), CLI_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const seconds = (now() - started) / 1000;
      clearTimeout(timer);
      const command = `billing-ledger ${args.join(' ')}`;
      try {
        if (code !== expectStatus) return reject(new Error(`${command} exited with ${code ?? signal}: ${stdout.slice(-500)}${stderr.slice(-500)}`));
        const usage = JSON.parse(fs.readFileSync(usageFile, 'utf8'));
        resolve({ command, stdout, seconds, ...usage });
      } catch (error) {
        reject(error);
      } finally {
        fs.rmSync(path.dirname(usageFile), { recursive: true, force: true });
      }
    });
  });

/** Total bytes of the files in a directory (not recursive: an export writes flat). */
const directoryBytes = (dir) => fs.readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => sum + (e.isFile() ? fs.statSync(path.join(dir, e.name)).size : 0), 0);

module.exports = { runCli, directoryBytes };
