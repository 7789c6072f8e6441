'use strict';
/*
 * Part 3: HTTP. The real server (`node dist/main.js`, a child process, loopback only) under
 * autocannon with 32 connections, bounded phases: code encounters for S seconds, submit a claim
 * for each encounter coded, post a remittance on each claim submitted, then GET /claims/{id} for
 * S seconds. Baselines from the same run, with the same bodies: a bare node:http server, NestJS on
 * Fastify (the ledger's adapter) with one controller and no ledger work, and GET /health on the
 * real server.
 */
const fs = require('node:fs');
const path = require('node:path');
const { DIST_DIR, dist, freshDir, log, row } = require('./lib/common');
const { sqliteConfig } = require('./lib/corpus');
const { LINES, REMITTED } = require('./lib/lifecycle');
const { LOOPBACK, cannon, freePort, httpOk, logLineSeen, startProcess, summarize } = require('./lib/server');

const CONNECTIONS = 32;
const WARMUP_SECONDS = 1;
const TARGETS = { commandsPerSecond: 2_000, commandP99Ms: 50, readsPerSecond: 8_000, readP99Ms: 10 };
const HEADERS = { 'content-type': 'application/json', 'x-actor': 'bench' };
const BASELINE_NAMES = { bare: 'bare node:http', fastify: 'NestJS + Fastify, no ledger work' };
/**
 * The per-principal rate limit (where the build has one) is raised for the bench: one client is
 * one principal here, and the point is what the server can take, not what one key may send.
 */
const RATE_LIMIT_PER_SECOND = 10_000_000;

/** A biller API key in the data directory, when the build authenticates requests (else null). */
const apiToken = (dataDir) => {
  let createKey;
  try {
    ({ createKey } = dist('cli/keys'));
  } catch (error) {
    if (error.code === 'MODULE_NOT_FOUND') return null;
    throw error;
  }
  return createKey(sqliteConfig(dataDir), 'bench', 'biller', new Date()).token;
};

const encounterBody = (id) =>
  JSON.stringify({
    encounterId: `enc-${id}`,
    patientId: `pat-${id}`,
    providerNpi: '1234567893',
    dateOfService: '2026-11-02',
    diagnoses: ['E11.9', 'I10'],
    lines: LINES,
  });

/**
 * autocannon over a list of work items: each request takes the next item; the items answered 2xx
 * are returned (the next phase works on them). `ids` undefined: endless fresh ids for `seconds`.
 */
const runPhase = async (base, { title, method, path: pathOf, body, ids, seconds, prefix, headers = HEADERS }) => {
  let next = 0;
  const succeeded = [];
  const request = {
    method,
    headers,
    setupRequest: (req, context) => {
      const id = ids ? ids[next++ % ids.length] : `${prefix}-${next++}`;
      context.id = id;
      return { ...req, path: pathOf(id), ...(body && { body: body(id) }) };
    },
    onResponse: (status, _body, context) => {
      if (status >= 200 && status < 300) succeeded.push(context.id);
    },
  };
  const result = await cannon({
    url: base,
    title,
    connections: CONNECTIONS,
    requests: [request],
    ...(ids ? { amount: ids.length } : { duration: seconds }),
  });
  return { summary: summarize(result), succeeded };
};

const run = async (ctx) => {
  const { options } = ctx;
  const seconds = options.seconds;
  const dir = freshDir(ctx.workDir, 'http');
  const logFile = path.join(dir, 'server.log');

  const port = await freePort();
  const base = `http://${LOOPBACK}:${port}`;
  const dataDir = path.join(dir, 'data');
  const token = apiToken(dataDir);
  const auth = token ? { authorization: `Bearer ${token}` } : {};
  const phase = (url, spec) => runPhase(url, { headers: { ...HEADERS, ...auth }, ...spec });
  log(`http: starting the server on ${base}${token ? ' (authenticated with a biller API key)' : ''}`);
  const server = await startProcess(path.join(DIST_DIR, 'main.js'), [], {
    env: { PORT: String(port), HOST: LOOPBACK, LEDGER_DATA_DIR: dataDir, EVENT_STORE: 'sqlite', RATE_LIMIT_PER_SECOND: String(RATE_LIMIT_PER_SECOND) },
    logFile,
    ready: () => httpOk(`${base}/health`),
  });
  let coded;
  let submitted;
  let remitted;
  let reads;
  let health;
  let serverPeakRssMb;
  let claimViewBody;
  try {
    log('http: warm-up');
    const warm = await phase(base, { title: 'warm-up', method: 'POST', path: () => '/encounters', body: encounterBody, seconds: WARMUP_SECONDS, prefix: 'w' });
    await phase(base, { title: 'warm-up claims', method: 'POST', path: () => '/claims', body: (id) => JSON.stringify({ claimId: `clm-${id}`, encounterId: `enc-${id}`, payerId: 'payer-acme', memberId: 'MBR123' }), ids: warm.succeeded });

    log(`http: POST /encounters, ${seconds} s`);
    coded = await phase(base, { title: 'POST /encounters', method: 'POST', path: () => '/encounters', body: encounterBody, seconds, prefix: 'h' });
    log(`http: POST /claims × ${coded.succeeded.length}`);
    submitted = await phase(base, {
      title: 'POST /claims',
      method: 'POST',
      path: () => '/claims',
      body: (id) => JSON.stringify({ claimId: `clm-${id}`, encounterId: `enc-${id}`, payerId: 'payer-acme', memberId: 'MBR123' }),
      ids: coded.succeeded,
    });
    log(`http: POST /claims/{id}/remittances × ${submitted.succeeded.length}`);
    remitted = await phase(base, {
      title: 'POST /claims/{id}/remittances',
      method: 'POST',
      path: (id) => `/claims/clm-${id}/remittances`,
      body: (id) => JSON.stringify({ remittanceId: `era-${id}`, paidCents: 12_000, lines: REMITTED }),
      ids: submitted.succeeded,
    });
    const claimIds = submitted.succeeded;
    claimViewBody = await (await fetch(`${base}/claims/clm-${claimIds[0]}`, { headers: auth })).text();
    log(`http: GET /claims/{id}, ${seconds} s`);
    let pick = 0;
    reads = await phase(base, { title: 'GET /claims/{id}', method: 'GET', path: () => `/claims/clm-${claimIds[(pick += 7919) % claimIds.length]}`, seconds, prefix: 'r' });
    log(`http: GET /health, ${seconds} s`);
    health = await phase(base, { title: 'GET /health', method: 'GET', path: () => '/health', seconds, prefix: 'x' });
    serverPeakRssMb = server.peakRssMb();
  } finally {
    await server.stop();
  }

  const bodyFile = path.join(dir, 'claim-view.json');
  fs.writeFileSync(bodyFile, claimViewBody);
  const baselines = {};
  for (const [key, script] of [
    ['bare', 'bare-server.js'],
    ['fastify', 'nest-server.js'],
  ]) {
    const basePort = await freePort();
    const baseUrl = `http://${LOOPBACK}:${basePort}`;
    const baseLog = path.join(dir, `${key}.log`);
    const server = await startProcess(path.join(__dirname, 'lib', script), [String(basePort), bodyFile], { logFile: baseLog, ready: logLineSeen(baseLog, 'listening') });
    try {
      log(`http: baseline ${BASELINE_NAMES[key]}, GET and POST, ${seconds} s each`);
      await phase(baseUrl, { title: 'warm-up', method: 'GET', path: () => '/claims/x', seconds: WARMUP_SECONDS, prefix: 'w' });
      baselines[key] = {
        get: await phase(baseUrl, { title: `${key} GET`, method: 'GET', path: () => '/claims/x', seconds, prefix: 'b' }),
        post: await phase(baseUrl, { title: `${key} POST`, method: 'POST', path: () => '/encounters', body: encounterBody, seconds, prefix: 'b' }),
      };
    } finally {
      await server.stop();
    }
  }
  const bareGet = baselines.bare.get;
  const barePost = baselines.bare.post;

  const commandPhases = [
    ['POST /encounters (code)', coded],
    ['POST /claims (submit)', submitted],
    ['POST /claims/{id}/remittances', remitted],
  ];
  const bareP = { name: 'bare node:http POST', value: barePost.summary.requestsPerSecond, unit: 'req/s' };
  const latency = (s) => `p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms`;
  const rows = [];
  for (const [name, p] of commandPhases) {
    const s = p.summary;
    rows.push(
      row(`${name} (${latency(s)})`, s.requestsPerSecond, 'commands/s', {
        baseline: bareP,
        target: {
          text: `≥ ${TARGETS.commandsPerSecond.toLocaleString('en-US')}/s, p99 ≤ ${TARGETS.commandP99Ms} ms`,
          met: s.requestsPerSecond >= TARGETS.commandsPerSecond && s.p99Ms <= TARGETS.commandP99Ms,
        },
        detail: s,
      }),
    );
  }
  const allOk = commandPhases.reduce((sum, [, p]) => sum + p.summary.ok, 0);
  const allSeconds = commandPhases.reduce((sum, [, p]) => sum + p.summary.seconds, 0);
  const worstP99 = Math.max(...commandPhases.map(([, p]) => p.summary.p99Ms));
  rows.push(
    row(`all commands above (worst p99 ${worstP99} ms)`, allOk / allSeconds, 'commands/s', {
      baseline: bareP,
      target: {
        text: `≥ ${TARGETS.commandsPerSecond.toLocaleString('en-US')}/s, p99 ≤ ${TARGETS.commandP99Ms} ms`,
        met: allOk / allSeconds >= TARGETS.commandsPerSecond && worstP99 <= TARGETS.commandP99Ms,
      },
    }),
  );
  const r = reads.summary;
  rows.push(
    row(`GET /claims/{id} (${latency(r)})`, r.requestsPerSecond, 'req/s', {
      baseline: { name: 'bare node:http GET', value: bareGet.summary.requestsPerSecond, unit: 'req/s' },
      target: {
        text: `≥ ${TARGETS.readsPerSecond.toLocaleString('en-US')}/s, p99 ≤ ${TARGETS.readP99Ms} ms`,
        met: r.requestsPerSecond >= TARGETS.readsPerSecond && r.p99Ms <= TARGETS.readP99Ms,
      },
      detail: r,
    }),
    row(`GET /health (${latency(health.summary)})`, health.summary.requestsPerSecond, 'req/s', {
      baseline: { name: 'bare node:http GET', value: bareGet.summary.requestsPerSecond, unit: 'req/s' },
      detail: health.summary,
    }),
  );
  for (const [key, b] of Object.entries(baselines)) {
    rows.push(
      row(`${BASELINE_NAMES[key]} GET (${latency(b.get.summary)})`, b.get.summary.requestsPerSecond, 'req/s', {
        ...(key !== 'bare' && { baseline: { name: 'bare node:http GET', value: bareGet.summary.requestsPerSecond, unit: 'req/s' } }),
        detail: b.get.summary,
      }),
      row(`${BASELINE_NAMES[key]} POST (${latency(b.post.summary)})`, b.post.summary.requestsPerSecond, 'req/s', {
        ...(key !== 'bare' && { baseline: { name: 'bare node:http POST', value: barePost.summary.requestsPerSecond, unit: 'req/s' } }),
        detail: b.post.summary,
      }),
    );
  }
  const failures = [coded, submitted, remitted, reads, health].filter((p) => p.summary.non2xx > 0 || p.summary.errors > 0);
  const notes = [
    `${CONNECTIONS} connections, autocannon in the bench process and the server in its own, on the same 2 cores; reads pick among ${submitted.succeeded.length} claims.`,
    `Server peak RSS ${serverPeakRssMb?.toFixed(0) ?? '?'} MB; a claim view is ${Buffer.byteLength(claimViewBody)} bytes.`,
    token
      ? `Requests carry a biller API key (the auth guard runs on each); the per-principal rate limit is raised to ${RATE_LIMIT_PER_SECOND.toLocaleString('en-US')}/s so that it does not cap the one client.`
      : 'This build has no authentication.',
    ...failures.map((p) => `Not every request succeeded: ${JSON.stringify(p.summary.statusCodes)}, ${p.summary.errors} errors (see ${path.basename(logFile)})`),
  ];
  return { key: 'http', title: '3. HTTP (real server on loopback, autocannon, 32 connections)', rows, notes };
};

module.exports = { run };
