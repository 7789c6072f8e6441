'use strict';
/*
 * Part 5: the peer. Emmett (@event-driven-io/emmett-sqlite, on the sqlite3 driver) doing the same
 * work as our store in the same run: append the same claim lifecycles (one command's events per
 * call, with the expected stream version; and batched in one transaction), then project the same
 * per-claim balance (our pure evolveClaim, same SQL) over the same events.
 *
 * Emmett lives in its own package, bench/peers/ (own .npmrc and lockfile: emmett-sqlite 0.42.4
 * declares a peer emmett 0.42.4 the registry does not serve, so it installs only with
 * legacy-peer-deps), installed here on first use so the project's `npm ci` stays clean.
 * Configured fairly, per ../shared/bench-peers.md: one shared connection (its default opens a
 * connection per operation), WAL set and checked before Emmett creates its schema,
 * synchronous=FULL as ours.
 */
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const { dist, freshDir, log, now, row, ROOT } = require('./lib/common');
const { corpusAppends, corpusFile, templateFor } = require('./lib/corpus');
const { ourClaimBalances, peerClaimBalances, TABLE_SQL } = require('./lib/claim-balances');
const { roundsFor, interleaved, combine } = require('./lib/rounds');
const { storeTimedAppends, prepareAppends, PREPARED_APPENDS_PER_SECOND } = require('./lib/store-appends');

const PEER_DIR = path.join(ROOT, 'bench', 'peers');
const PEER_MARKER = path.join(PEER_DIR, 'node_modules', '@event-driven-io', 'emmett-sqlite', 'package.json');
const CALLERS = 32;
/** Appends per transaction in the batched figures (SqliteEventStore's group commit maximum). */
const BATCH_APPENDS = 256;
/** Events the projections run over. */
const PROJECTION_EVENTS = { quick: 10_000, full: 100_000 };
/** Emmett's async processor: the biggest batches and no pause between them (its fastest). */
const PEER_PULL = { batchSize: 1_000, pullingFrequencyInMs: 0 };

/** Installs the peer from its lockfile when allowed; returns why not otherwise. */
const ensurePeer = (options) => {
  if (fs.existsSync(PEER_MARKER)) return null;
  const install = options.peer ?? !options.quick;
  if (!install) return 'the peer is not installed (bench/peers/node_modules) and a quick run does not install it (~2 min: sqlite3 builds from source); run `npm run bench:peer` or pass --peer';
  log('peer: installing Emmett in bench/peers (npm ci, ~2 min: sqlite3 builds from source)');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: PEER_DIR, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`npm ci in bench/peers failed (${result.status ?? result.signal})`);
  return null;
};

const peerModules = () => {
  const peerRequire = createRequire(path.join(PEER_DIR, 'package.json'));
  return { emmettSqlite: peerRequire('@event-driven-io/emmett-sqlite'), version: JSON.parse(fs.readFileSync(PEER_MARKER, 'utf8')).version };
};

/** An Emmett event store on one shared, durable WAL connection to `file`. */
const openPeer = async (emmettSqlite, file) => {
  const connection = emmettSqlite.sqliteConnection({ fileName: file });
  await connection.command('PRAGMA journal_mode = WAL');
  const mode = await connection.querySingle('PRAGMA journal_mode');
  assert.equal(mode?.journal_mode, 'wal', `Emmett's file must be in WAL mode, is ${JSON.stringify(mode)}`);
  await connection.command('PRAGMA synchronous = FULL');
  const sync = await connection.querySingle('PRAGMA synchronous');
  assert.equal(sync?.synchronous, 2, 'synchronous=FULL');
  const store = emmettSqlite.getSQLiteEventStore({ fileName: file, connectionOptions: { singleton: true, connection } });
  await store.schema.migrate();
  return { store, connection, close: () => connection.close() };
};

/** Our command's events as Emmett messages: the same type, data and metadata (less our hash chain). */
const toPeerAppend = (append) => ({
  streamId: append.streamId,
  expected: BigInt(append.rows[0].revision),
  events: append.rows.map((r) => {
    const { hash: _hash, prevHash: _prevHash, ...metadata } = JSON.parse(r.metadata);
    return { type: r.type, data: JSON.parse(r.data), metadata };
  }),
});

const preparePeerAppends = (template, count) => {
  const prepared = [];
  for (const append of corpusAppends(template, Number.MAX_SAFE_INTEGER)) {
    if (prepared.length === count) break;
    prepared.push(toPeerAppend(append));
  }
  return prepared;
};

/** Emmett appends for `seconds`, `perTx` appends per transaction (1: its own transaction each). */
const peerTimedAppends = async (emmettSqlite, file, appends, { perTx, seconds }) => {
  const { store, connection, close } = await openPeer(emmettSqlite, file);
  let next = 0;
  let events = 0;
  const deadline = now() + seconds * 1000;
  const started = now();
  const appendOne = async (a) => {
    await store.appendToStream(a.streamId, a.events, { expectedStreamVersion: a.expected });
    events += a.events.length;
  };
  while (next < appends.length && now() < deadline) {
    if (perTx === 1) await appendOne(appends[next++]);
    else {
      // Emmett's connection nests transactions: appends inside one withTransaction share its COMMIT.
      const batch = appends.slice(next, next + perTx);
      next += batch.length;
      await connection.withTransaction(async () => {
        for (const a of batch) await appendOne(a);
      });
    }
  }
  const elapsed = (now() - started) / 1000;
  await close();
  return { appends: next, events, seconds: elapsed, appendsPerSecond: next / elapsed, eventsPerSecond: events / elapsed, exhausted: next === appends.length };
};

/** Loads `n` corpus events into Emmett (batched, setup) and catches its async projection up over them. */
const peerProjection = async (emmettSqlite, template, n, file) => {
  const { store, connection, close } = await openPeer(emmettSqlite, file);
  try {
    await connection.command(TABLE_SQL);
    const appends = [...corpusAppends(template, n)].map(toPeerAppend);
    const loadStarted = now();
    for (let i = 0; i < appends.length; i += 1_000) {
      const batch = appends.slice(i, i + 1_000);
      await connection.withTransaction(async () => {
        for (const a of batch) await store.appendToStream(a.streamId, a.events, { expectedStreamVersion: a.expected });
      });
    }
    const loadSeconds = (now() - loadStarted) / 1000;
    const last = await connection.querySingle('SELECT MAX(global_position) AS p FROM emt_messages');
    const lastPosition = BigInt(last.p);
    const consumer = store.consumer({ pulling: PEER_PULL });
    consumer.processor({
      processorId: 'claim-balances',
      projection: peerClaimBalances(emmettSqlite.sqliteProjection),
      startFrom: 'BEGINNING',
      stopAfter: (message) => message.metadata.globalPosition === lastPosition,
    });
    const started = now();
    await consumer.start();
    const seconds = (now() - started) / 1000;
    await consumer.stop();
    const checkpoint = await emmettSqlite.readProcessorCheckpoint(connection, { processorId: 'claim-balances' });
    const balances = await connection.query('SELECT claim_id, balance_cents FROM claim_balances ORDER BY claim_id');
    return { events: n, seconds, eventsPerSecond: n / seconds, loadSeconds, lastPosition: Number(lastPosition), checkpoint: Number(checkpoint.lastProcessedPosition), balances };
  } finally {
    await close();
  }
};

/** Our runner over the same events, rebuilding the same projection. */
const ourProjection = async (eventsFile, readFile) => {
  const { SqliteEventStore } = dist('event-store/sqlite-event-store');
  const { openReadDatabase } = dist('projections/read-store');
  const { ProjectionRunner } = dist('projections/projection-runner');
  fs.rmSync(readFile, { force: true });
  const store = SqliteEventStore.open(eventsFile);
  const db = openReadDatabase(readFile);
  try {
    const runner = new ProjectionRunner(store, db, [ourClaimBalances()]);
    const head = Number(await store.headPosition());
    const started = now();
    await runner.rebuild();
    const seconds = (now() - started) / 1000;
    const balances = db.prepare('SELECT claim_id, balance_cents FROM claim_balances ORDER BY claim_id').all();
    return { events: head, seconds, eventsPerSecond: head / seconds, balances };
  } finally {
    db.close();
    await store.close();
  }
};

const run = async (ctx) => {
  const { options } = ctx;
  const title = '5. Peer: Emmett on SQLite, same work, same run';
  const skipped = ensurePeer(options);
  if (skipped) {
    log(`peer: skipped: ${skipped}`);
    return { key: 'peer', title, rows: [], skipped };
  }
  const { emmettSqlite, version } = peerModules();
  const seconds = options.seconds;
  const dir = freshDir(ctx.workDir, 'peer');
  const file = (name) => path.join(freshDir(dir, name), 'events.sqlite');
  const template = await templateFor(ctx);

  const rounds = roundsFor(options);
  const each = seconds / rounds;
  // The peer takes a few thousand appends/s at most: this many prepared appends cover its phases.
  const peerAppends = preparePeerAppends(template, Math.ceil(each * 10_000));
  const ours = prepareAppends(template, Math.ceil(each * PREPARED_APPENDS_PER_SECOND));
  log(`peer: Emmett 1/tx and ${BATCH_APPENDS}/tx, ours with 1 and ${CALLERS} callers: ${rounds} interleaved round(s) of ${each} s each`);
  const measured = await interleaved(rounds, [
    { key: 'peer1', run: (r) => peerTimedAppends(emmettSqlite, file(`emmett-1-${r}`), peerAppends, { perTx: 1, seconds: each }) },
    { key: 'ours1', run: (r) => storeTimedAppends(template, file(`ours-1-${r}`), { callers: 1, seconds: each, prepared: ours }) },
    { key: 'peerBatched', run: (r) => peerTimedAppends(emmettSqlite, file(`emmett-batched-${r}`), peerAppends, { perTx: BATCH_APPENDS, seconds: each }) },
    { key: 'ours32', run: (r) => storeTimedAppends(template, file(`ours-32-${r}`), { callers: CALLERS, seconds: each, prepared: ours }) },
  ]);
  const [peer1, ours1, peerBatched, ours32] = ['peer1', 'ours1', 'peerBatched', 'ours32'].map((k) => combine(measured[k]));

  const n = options.quick ? PROJECTION_EVENTS.quick : PROJECTION_EVENTS.full;
  log(`peer: Emmett async projection catch-up over ${n.toLocaleString('en-US')} events (loading them first)`);
  const peerProj = await peerProjection(emmettSqlite, template, n, file('emmett-projection'));
  log(`peer: ours, the same projection rebuilt over the same ${n.toLocaleString('en-US')} events`);
  const ourProj = await ourProjection(await corpusFile(ctx, n), path.join(dir, 'read.sqlite'));
  const same = JSON.stringify(peerProj.balances) === JSON.stringify(ourProj.balances);
  if (!same) throw new Error('Emmett and our runner projected different claim balances from the same events');

  const peerAppend = { name: 'Emmett, 1 append/tx', value: peer1.eventsPerSecond, unit: 'events/s' };
  const twice = (value, base) => ({ text: '≥ 2× Emmett', met: value / base >= 2 });
  const rows = [
    row(`Emmett ${version}: append, 1 command per call and transaction`, peer1.eventsPerSecond, 'events/s', { detail: peer1 }),
    row(`Emmett: append, ${BATCH_APPENDS} commands per transaction`, peerBatched.eventsPerSecond, 'events/s', { detail: peerBatched }),
    row('ours: SqliteEventStore.append, 1 caller', ours1.eventsPerSecond, 'events/s', { baseline: peerAppend, target: twice(ours1.eventsPerSecond, peer1.eventsPerSecond), detail: ours1 }),
    row(`ours: SqliteEventStore.append, ${CALLERS} callers (group commit)`, ours32.eventsPerSecond, 'events/s', {
      baseline: { name: `Emmett, ${BATCH_APPENDS} appends/tx`, value: peerBatched.eventsPerSecond, unit: 'events/s' },
      target: twice(ours32.eventsPerSecond, peerBatched.eventsPerSecond),
      detail: ours32,
    }),
    row(`Emmett: async projection catch-up, per-claim balance, ${n.toLocaleString('en-US')} events`, peerProj.eventsPerSecond, 'events/s', {
      detail: { ...peerProj, balances: peerProj.balances.length },
    }),
    row(`ours: ProjectionRunner rebuild, same projection, same ${n.toLocaleString('en-US')} events`, ourProj.eventsPerSecond, 'events/s', {
      baseline: { name: 'Emmett projection', value: peerProj.eventsPerSecond, unit: 'events/s' },
      target: twice(ourProj.eventsPerSecond, peerProj.eventsPerSecond),
      detail: { ...ourProj, balances: ourProj.balances.length },
    }),
  ];
  const notes = [
    `Both durable (WAL, synchronous=FULL), one writer connection each. Emmett ${version} on sqlite3; its async processor pulls ${PEER_PULL.batchSize} events per batch with no pause. Emmett has no safe concurrent append on one connection (its nested transactions would acknowledge an append before COMMIT), so its batched figure is the fair peer of our group commit.`,
    `Both projections produced the same balances for all ${ourProj.balances.length} claims.`,
    `Emmett's processor checkpoint after the catch-up: ${peerProj.checkpoint} (the last event is at ${peerProj.lastPosition})${
      peerProj.checkpoint !== peerProj.lastPosition ? ': it saved only an early batch, so a restart re-delivers events (bench-peers.md)' : ''
    }.`,
  ];
  return { key: 'peer', title, rows, notes };
};

module.exports = { run };
