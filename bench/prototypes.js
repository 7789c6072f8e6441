'use strict';
/*
 * Prototypes: the evidence behind the recommendations in docs/performance.md. Each row measures
 * a change (made here, in the bench, never in src/) against the code as it is, in interleaved
 * rounds of the same run. Not part of the default run: `npm run bench -- prototypes` or
 * `npm run bench:prototypes`; PROTOTYPES=fsync,pragmas,ids,hash-chain picks some.
 */
const crypto = require('node:crypto');
const path = require('node:path');
const { dist, freshDir, log, median, now, row, runChild } = require('./lib/common');
const { commandPath } = require('./commands');
const { patchAsyncFsync } = require('./lib/async-fsync');
const { corpusFile, corpusRows, insertCorpus, templateFor } = require('./lib/corpus');
const { combine, interleaved } = require('./lib/rounds');

const CHILD = path.join(__dirname, 'lib', 'rebuild-child.js');
const ROUNDS = 3;
const CALLERS = [1, 32];
/** Read-store pragmas tried for a rebuild (which already runs with synchronous=OFF): a 64 MB page cache. */
const REBUILD_PRAGMAS = { cache: 'cache_size=-65536' };

const asyncFsync = async (ctx, dir) => {
  const each = ctx.options.seconds / ROUNDS;
  const blocking = (store, file) => patchAsyncFsync(store, file, { blocking: true });
  const measures = CALLERS.flatMap((callers) => [
    { key: `now-${callers}`, run: (r) => commandPath(freshDir(dir, `now-${callers}-${r}`), callers, each) },
    { key: `fdatasync-${callers}`, run: (r) => commandPath(freshDir(dir, `fdatasync-${callers}-${r}`), callers, each, { patch: blocking }) },
    { key: `async-${callers}`, run: (r) => commandPath(freshDir(dir, `async-${callers}-${r}`), callers, each, { patch: patchAsyncFsync }) },
  ]);
  log(`prototypes: async WAL fsync in the command path, ${ROUNDS} interleaved rounds of ${each.toFixed(1)} s`);
  const measured = await interleaved(ROUNDS, measures);
  return CALLERS.flatMap((callers) => {
    const before = combine(measured[`now-${callers}`]);
    const plural = callers === 1 ? '' : 's';
    return [
      ['1a', 'fdatasync of the WAL instead of SQLite\'s fsync, still blocking', `fdatasync-${callers}`],
      ['1b', 'the same fdatasync off the event loop (async)', `async-${callers}`],
    ].map(([id, text, key]) => {
      const after = combine(measured[key]);
      return row(`${id}. ${text}, command path, ${callers} caller${plural} (p99 ${before.p99Ms.toFixed(1)} → ${after.p99Ms.toFixed(1)} ms)`, after.commandsPerSecond, 'commands/s', {
        baseline: { name: 'as is (synchronous=FULL)', value: before.commandsPerSecond, unit: 'commands/s' },
        detail: { before, after },
      });
    });
  });
};

const rebuildChildren = async (file, dir, variants) => {
  const results = Object.fromEntries(variants.map((v) => [v.key, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const v of variants) results[v.key].push(await runChild(CHILD, [...v.args(file, path.join(dir, `read-${v.key}.sqlite`))], { env: v.env ?? {} }));
  }
  const pick = (key) => {
    const m = median(results[key].map((r) => r.eventsPerSecond));
    return { ...results[key].find((r) => r.eventsPerSecond === m), perRound: results[key].map((r) => r.eventsPerSecond) };
  };
  return Object.fromEntries(variants.map((v) => [v.key, pick(v.key)]));
};

const readStorePragmas = async (ctx, dir, n) => {
  const file = await corpusFile(ctx, n);
  log(`prototypes: read-store pragmas during a rebuild of every projection, ${n.toLocaleString('en-US')} events, ${ROUNDS} rounds`);
  const r = await rebuildChildren(file, dir, [
    { key: 'now', args: (f, read) => ['rebuild', f, read] },
    ...Object.entries(REBUILD_PRAGMAS).map(([key, pragmas]) => ({ key, args: (f, read) => ['rebuild', f, read], env: { READ_PRAGMAS: pragmas } })),
  ]);
  for (const key of Object.keys(REBUILD_PRAGMAS)) {
    if (r[key].claimsDigest !== r.now.claimsDigest) throw new Error(`read store ${key}: a different claims table`);
  }
  return Object.entries(REBUILD_PRAGMAS).map(([key, pragmas]) =>
    row(`2. read store \`${pragmas}\` during rebuild, every projection, ${n.toLocaleString('en-US')} events (peak RSS ${r[key].peakRssMb.toFixed(0)} MB)`, r[key].eventsPerSecond, 'events/s', {
      baseline: { name: 'read store as is', value: r.now.eventsPerSecond, unit: 'events/s' },
      detail: { now: r.now, [key]: r[key] },
    }),
  );
};

const eventIds = async (ctx, dir, n) => {
  const template = await templateFor(ctx);
  log(`prototypes: batched insert of ${n.toLocaleString('en-US')} events with random (v4) and time-ordered (v7) event ids`);
  const result = {};
  for (const idKind of ['v4', 'v7']) {
    result[idKind] = await insertCorpus(template, n, path.join(freshDir(dir, `ids-${idKind}`), 'events.sqlite'), { appendsPerTx: 256, idKind });
  }
  const rate = (r) => r.events / r.seconds;
  const amplification = (r) => r.writtenBytes / r.bytes;
  return [
    row(
      `3. time-ordered (UUIDv7) event ids, batched insert of ${n.toLocaleString('en-US')} events (disk writes ${amplification(result.v4).toFixed(1)}× → ${amplification(result.v7).toFixed(1)}× the file)`,
      rate(result.v7),
      'events/s',
      { baseline: { name: 'random (v4) ids', value: rate(result.v4), unit: 'events/s' }, detail: result },
    ),
  ];
};

/**
 * What the hash chain costs per appended event: as SqliteEventStore does it (canonical JSON of the
 * data, which is also what it stores; canonical JSON of the metadata; SHA-256; the metadata
 * serialised with its hashes), and the alternative of a v2 format hashing the exact strings the
 * store writes, with no canonical form at all.
 */
const hashChain = async (ctx) => {
  const { canonicalJson, chainMetadata, GENESIS_HASH } = dist('event-store/hash-chain');
  const template = await templateFor(ctx);
  const objects = [...corpusRows(template, 20_000)].map((r) => {
    const { hash: _h, prevHash: _p, ...metadata } = JSON.parse(r.metadata);
    return { streamId: r.streamId, revision: r.revision, event: { type: r.type, data: JSON.parse(r.data), metadata } };
  });
  const time = (fn) => {
    fn(objects.slice(0, 2_000)); // warm-up
    const runs = [];
    for (let i = 0; i < 3; i++) {
      const started = now();
      fn(objects);
      runs.push(((now() - started) * 1000) / objects.length);
    }
    return median(runs);
  };
  log('prototypes: hash chain cost per appended event');
  const serialiseOnly = (list) => {
    for (const o of list) {
      JSON.stringify(o.event.data);
      JSON.stringify(o.event.metadata);
    }
  };
  const asIs = (list) => {
    for (const o of list) {
      const canonicalData = canonicalJson(o.event.data);
      const [chained] = chainMetadata(o.streamId, o.revision, GENESIS_HASH, [{ type: o.event.type, canonicalData, metadata: { ...o.event.metadata } }]);
      JSON.stringify(chained);
    }
  };
  const storedStrings = (list) => {
    for (const o of list) {
      const data = JSON.stringify(o.event.data);
      const metadata = JSON.stringify({ ...o.event.metadata, prevHash: GENESIS_HASH });
      crypto.createHash('sha256').update(`${o.streamId}\n${o.revision}\n${o.event.type}\n${data}\n${metadata}`).digest('hex');
    }
  };
  const results = { serialiseOnly: time(serialiseOnly), asIs: time(asIs), storedStrings: time(storedStrings) };
  return [
    row('4. hash chain: a v2 format, SHA-256 over the stored JSON strings, instead of canonical JSON', results.storedStrings, 'µs/event', {
      baseline: { name: 'hash chain as is', value: results.asIs, unit: 'µs/event' },
      lowerIsBetter: true,
      digits: 1,
      detail: results,
    }),
    row('   (serialising an event with no hash chain at all)', results.serialiseOnly, 'µs/event', { digits: 1, detail: results }),
  ];
};

const run = async (ctx) => {
  const { options } = ctx;
  const dir = freshDir(ctx.workDir, 'prototypes');
  const n = options.quick ? 10_000 : 100_000;
  const all = {
    fsync: () => asyncFsync(ctx, dir),
    pragmas: () => readStorePragmas(ctx, dir, n),
    ids: () => eventIds(ctx, dir, options.events),
    'hash-chain': () => hashChain(ctx),
  };
  // PROTOTYPES=fsync,ids runs only those.
  const chosen = process.env.PROTOTYPES ? process.env.PROTOTYPES.split(',') : Object.keys(all);
  const unknown = chosen.filter((name) => !(name in all));
  if (unknown.length > 0) throw new Error(`unknown prototype ${unknown.join(', ')}; known: ${Object.keys(all).join(', ')}`);
  const rows = [];
  for (const name of chosen) rows.push(...(await all[name]()));
  const notes = [
    'The read-store pragma variants produced a claims table identical (SHA-256 of every row) to the one as is.',
    'Ratios above 1× are the speed-up each change would bring, measured in this run against the code as it is (interleaved rounds, medians of 3 for rebuilds).',
    'Prototypes live in bench/lib/async-fsync.js and bench/lib/rebuild-child.js (READ_PRAGMAS); none of them changes src/.',
  ];
  return { key: 'prototypes', title: 'Prototypes behind the recommendations (docs/performance.md)', rows, notes };
};

module.exports = { run };
