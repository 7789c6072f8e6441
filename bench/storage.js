'use strict';
/*
 * Part 1: the storage ceiling. Raw better-sqlite3 appends of the corpus rows into a file with
 * SqliteEventStore's own schema and pragmas (WAL, synchronous=FULL): one transaction (one fsync)
 * per append, and batched; a raw read-and-JSON.parse pass; and SqliteEventStore.append itself
 * from 1 and 32 callers, each compared with the raw figure of the same run.
 */
const path = require('node:path');
const { freshDir, log, row } = require('./lib/common');
const { templateFor, insertCorpus, adoptCorpusFile } = require('./lib/corpus');
const { rawTimedAppends, rawReadParse } = require('./lib/raw');
const { roundsFor, interleaved, combine } = require('./lib/rounds');
const { storeTimedAppends, prepareAppends, PREPARED_APPENDS_PER_SECOND } = require('./lib/store-appends');

/** SqliteEventStore's group commit takes at most this many appends per transaction. */
const STORE_BATCH_MAX_APPENDS = 256;
const CALLERS = 32;

const run = async (ctx) => {
  const { options } = ctx;
  const template = await templateFor(ctx);
  const dir = freshDir(ctx.workDir, 'storage');
  const n = options.events;
  const seconds = options.seconds;
  const file = (name) => path.join(freshDir(dir, name), 'events.sqlite');

  const rounds = roundsFor(options);
  const each = seconds / rounds;
  const prepared = prepareAppends(template, Math.ceil(each * PREPARED_APPENDS_PER_SECOND));
  log(`storage: raw 1/tx, raw ${CALLERS}/tx, store with 1 and ${CALLERS} callers: ${rounds} interleaved round(s) of ${each} s each`);
  const measured = await interleaved(rounds, [
    { key: 'raw1', run: (r) => rawTimedAppends(template, file(`raw-1-${r}`), { appendsPerTx: 1, seconds: each }) },
    { key: 'raw32', run: (r) => rawTimedAppends(template, file(`raw-32-${r}`), { appendsPerTx: CALLERS, seconds: each }) },
    { key: 'store1', run: (r) => storeTimedAppends(template, file(`store-1-${r}`), { callers: 1, seconds: each, prepared }) },
    { key: 'store32', run: (r) => storeTimedAppends(template, file(`store-32-${r}`), { callers: CALLERS, seconds: each, prepared }) },
  ]);
  const [raw1, raw32, store1, store32] = ['raw1', 'raw32', 'store1', 'store32'].map((k) => combine(measured[k]));

  log(`storage: raw batched insert of ${n.toLocaleString('en-US')} events, ${STORE_BATCH_MAX_APPENDS} appends per transaction`);
  const batchedFile = file(`raw-batched-${n}`);
  const batched = await insertCorpus(template, n, batchedFile, { appendsPerTx: STORE_BATCH_MAX_APPENDS });
  adoptCorpusFile(ctx, n, batchedFile);
  log('storage: raw read + JSON.parse pass');
  const read = rawReadParse(batchedFile);

  const rawAppend = { name: 'raw, 1 append/tx', value: raw1.appendsPerSecond, unit: 'appends/s' };
  const rows = [
    row('raw append, 1 per transaction (one fsync each)', raw1.appendsPerSecond, 'appends/s', { detail: raw1 }),
    row(`raw append, ${CALLERS} per transaction`, raw32.appendsPerSecond, 'appends/s', { baseline: rawAppend, detail: raw32 }),
    row(`raw batched insert of ${n.toLocaleString('en-US')} events (${STORE_BATCH_MAX_APPENDS} appends/tx)`, batched.events / batched.seconds, 'events/s', {
      detail: { ...batched, megabytesWrittenFile: batched.bytes / 2 ** 20 },
    }),
    row(`raw read + JSON.parse of ${n.toLocaleString('en-US')} events`, read.eventsPerSecond, 'events/s', { detail: read }),
    row('SqliteEventStore.append, 1 caller', store1.appendsPerSecond, 'appends/s', { baseline: rawAppend, detail: store1 }),
    row(`SqliteEventStore.append, ${CALLERS} callers`, store32.appendsPerSecond, 'appends/s', { baseline: rawAppend, detail: store32 }),
    row(`SqliteEventStore.append, ${CALLERS} callers, vs raw ${CALLERS}/tx`, store32.appendsPerSecond, 'appends/s', {
      baseline: { name: `raw, ${CALLERS} appends/tx`, value: raw32.appendsPerSecond, unit: 'appends/s' },
    }),
  ];
  const notes = [
    `An append is one command's events to one stream (${(raw1.events / raw1.appends).toFixed(2)} events on average here); events are ~${Math.round(template.bytesPerEvent)} bytes of JSON data + metadata.`,
    `Group commit at ${CALLERS} callers: ${store32.appendsPerCommit.toFixed(1)} appends per transaction; latency p50 ${store32.p50Ms.toFixed(2)} ms, p99 ${store32.p99Ms.toFixed(2)} ms.`,
    `The batched insert wrote a ${(batched.bytes / 2 ** 20).toFixed(0)} MB file in ${batched.commits} transactions.`,
  ];
  if (store1.exhausted || store32.exhausted) notes.push('The prepared appends ran out before the time was up: the figure is a lower bound.');
  return { key: 'storage', title: '1. Storage ceiling (raw better-sqlite3, same schema and pragmas as SqliteEventStore)', rows, notes };
};

module.exports = { run };
