'use strict';
/* Child-process servers on loopback for the HTTP part, and autocannon as a promise. */
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const { sleep } = require('./common');

const LOOPBACK = '127.0.0.1';
const READY_TIMEOUT_MS = 60_000;

const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, LOOPBACK, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

/** Peak resident set size of a running process, in MB (Linux /proc). */
const peakRssMbOf = (pid) => {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Starts `node script args…` and resolves once `ready()` does; the child's output goes to
 * `logFile`. The returned `stop()` ends exactly that child.
 */
const startProcess = async (script, args, { env = {}, logFile, ready }) => {
  const out = fs.openSync(logFile, 'a');
  // BENCH_SERVER_EXEC_ARGV='--cpu-prof --cpu-prof-dir=/tmp/p' profiles the servers (written when they stop).
  const execArgv = (process.env.BENCH_SERVER_EXEC_ARGV ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...execArgv, script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  let exited = null;
  child.on('exit', (code, signal) => (exited = code ?? signal));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited !== null) {
      const tail = fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-15).join('\n');
      throw new Error(`${script} exited (${exited}) before it was ready; its last output:\n${tail}`);
    }
    if (await ready().catch(() => false)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${script} not ready after ${READY_TIMEOUT_MS} ms; see ${logFile}`);
    }
    await sleep(100);
  }
  return {
    pid: child.pid,
    peakRssMb: () => peakRssMbOf(child.pid),
    stop: () =>
      new Promise((resolve) => {
        if (exited !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => exited === null && child.kill('SIGKILL'), 10_000).unref();
      }),
  };
};

const httpOk = async (url) => {
  const response = await fetch(url);
  await response.arrayBuffer();
  return response.ok;
};

const logLineSeen = (logFile, text) => async () => fs.existsSync(logFile) && fs.readFileSync(logFile, 'utf8').includes(text);

/** autocannon as a promise; throws on a setup error. */
const cannon = (options) => {
  const autocannon = require('autocannon');
  return new Promise((resolve, reject) => {
    autocannon({ timeout: 10, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
  });
};

/** The figures of one autocannon run: successful requests/s and latency percentiles (ms). */
const summarize = (result) => {
  assert.ok(result.duration > 0, 'autocannon ran');
  return {
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: result.duration,
    requestsPerSecond: result['2xx'] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count])),
  };
};

module.exports = { LOOPBACK, freePort, startProcess, httpOk, logLineSeen, cannon, summarize };
