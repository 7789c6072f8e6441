'use strict';
/*
 * One rebuild measurement in a process of its own, so its peak RSS is its own.
 *
 * usage: node rebuild-child.js raw EVENTS_FILE
 *        node rebuild-child.js rebuild EVENTS_FILE READ_FILE [PROJECTION…]   (none named: every projection)
 * Prints one JSON line: { events, seconds, eventsPerSecond, peakRssMb, … }.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const { dist, now, peakRssMb } = require('./common');
const { rawReadParse } = require('./raw');

const tableDigest = (db, sql) => {
  const hash = crypto.createHash('sha256');
  for (const row of db.prepare(sql).iterate()) hash.update(JSON.stringify(row));
  return hash.digest('hex');
};

const main = async () => {
  const [mode, eventsFile, readFile, ...names] = process.argv.slice(2);
  if (mode === 'raw') {
    const result = rawReadParse(eventsFile);
    return { ...result, peakRssMb: peakRssMb() };
  }
  if (mode !== 'rebuild') throw new Error(`unknown mode ${mode}`);
  const { SqliteEventStore } = dist('event-store/sqlite-event-store');
  const { openReadDatabase } = dist('projections/read-store');
  const { ProjectionRunner } = dist('projections/projection-runner');
  const { ALL_PROJECTIONS } = dist('projections/all-projections');
  fs.rmSync(readFile, { force: true });
  const store = SqliteEventStore.open(eventsFile);
  const db = openReadDatabase(readFile);
  // Prototype knob: extra pragmas for the read store, e.g. READ_PRAGMAS='cache_size=-65536;synchronous=OFF'.
  for (const pragma of (process.env.READ_PRAGMAS ?? '').split(';').filter(Boolean)) db.pragma(pragma);
  const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
  // Named projections alone (a runner of just those), to see what each one costs.
  // `noop` handles no event: what reading the store and running the batches cost on their own.
  const noop = { name: 'noop', version: 1, handles: { has: () => false }, setup() {}, drop() {}, apply() {} };
  const known = [...ALL_PROJECTIONS, noop];
  const projections = names.length === 0 ? ALL_PROJECTIONS : known.filter((p) => names.includes(p.name));
  if (names.length > 0 && projections.length !== names.length) throw new Error(`unknown projection in ${names.join(', ')}`);
  // Prototype knob: BATCH_MAX events per read-store transaction.
  const runner = new ProjectionRunner(store, db, projections, process.env.BATCH_MAX ? { batchMax: Number(process.env.BATCH_MAX) } : {});
  const head = Number(await store.headPosition());
  const started = now();
  await runner.rebuild();
  const seconds = (now() - started) / 1000;
  const hasClaims = projections.some((p) => p.name === 'claims');
  const claims = hasClaims ? db.prepare('SELECT COUNT(*) AS n FROM claims').get().n : undefined;
  // A digest of the claims table: a variant (a pragma, a batch size) must project exactly the same rows.
  const claimsDigest = hasClaims ? tableDigest(db, 'SELECT * FROM claims ORDER BY claim_id') : undefined;
  const reached = runner.status().map((p) => Number(p.position));
  db.close();
  await store.close();
  if (reached.some((p) => p !== head)) throw new Error(`rebuild stopped at ${reached} of ${head}`);
  if (claims === 0) throw new Error('rebuild projected no claim');
  return {
    mode,
    projections: projections.map((p) => p.name),
    events: head,
    seconds,
    eventsPerSecond: head / seconds,
    claims,
    claimsDigest,
    rssBeforeMb,
    peakRssMb: peakRssMb(),
  };
};

main().then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
