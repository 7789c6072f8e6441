'use strict';
/*
 * The storage ceiling: what better-sqlite3 does with the same rows, the same schema and the same
 * pragmas as SqliteEventStore, with none of the store's own work (no revision check, no
 * idempotency lookup, no JSON.stringify, no promises). Every other figure is compared with these.
 */
const crypto = require('node:crypto');
const Database = require('better-sqlite3');
const { now } = require('./common');
const { corpusAppends, openStoreFileRaw, uuidV4Bytes, INSERT_SQL } = require('./corpus');

/**
 * Appends corpus appends to a fresh store file for `seconds`, `appendsPerTx` appends per
 * transaction (1 = one fsync per append), as fast as one thread can. Returns appends/s, events/s.
 */
const rawTimedAppends = async (template, file, { appendsPerTx, seconds, appendsMax = 5_000_000 }) => {
  const db = await openStoreFileRaw(file);
  const insert = db.prepare(INSERT_SQL);
  const commit = db.transaction((batch) => {
    for (const append of batch) for (const r of append.rows) insert.run(uuidV4Bytes(), r.streamId, r.revision, r.type, r.data, r.metadata);
  });
  const source = corpusAppends(template, Number.MAX_SAFE_INTEGER);
  const deadline = now() + seconds * 1000;
  const started = now();
  let appends = 0;
  let events = 0;
  let commits = 0;
  while (now() < deadline && appends < appendsMax) {
    const batch = [];
    for (let i = 0; i < appendsPerTx; i++) {
      const next = source.next();
      if (next.done) break;
      batch.push(next.value);
      events += next.value.rows.length;
    }
    commit.immediate(batch);
    appends += batch.length;
    commits++;
  }
  const elapsed = (now() - started) / 1000;
  db.close();
  return { appends, events, commits, seconds: elapsed, appendsPerSecond: appends / elapsed, eventsPerSecond: events / elapsed };
};

/**
 * One pass over every event in global order: read each row and JSON.parse its data and
 * metadata, nothing else. The most a rebuild can hope for on this machine.
 */
const rawReadParse = (file) => {
  const db = new Database(file, { readonly: true });
  const started = now();
  let events = 0;
  let bytes = 0;
  let checksum = 0;
  for (const r of db.prepare('SELECT position, id, stream_id, revision, type, data, metadata FROM events ORDER BY position').iterate()) {
    const data = JSON.parse(r.data);
    const metadata = JSON.parse(r.metadata);
    // Touch the parsed objects so the work cannot be optimised away.
    if (data !== null && metadata.schemaVersion !== undefined) checksum++;
    bytes += r.data.length + r.metadata.length;
    events++;
  }
  const seconds = (now() - started) / 1000;
  db.close();
  if (checksum !== events) throw new Error('raw read: an event without schemaVersion');
  return { events, seconds, eventsPerSecond: events / seconds, megabytesPerSecond: bytes / 2 ** 20 / seconds };
};

/**
 * One pass over every event in global order: read each row and SHA-256 its stored bytes (stream
 * id, type, data, metadata), nothing else. The floor of any hash-chain verification.
 */
const rawReadHash = (file) => {
  const db = new Database(file, { readonly: true });
  const started = now();
  let events = 0;
  let bytes = 0;
  let checksum = 0;
  for (const r of db.prepare('SELECT stream_id, revision, type, data, metadata FROM events ORDER BY position').iterate()) {
    const digest = crypto.createHash('sha256').update(r.stream_id).update(r.type).update(r.data).update(r.metadata).digest();
    // Use the digest so the work cannot be optimised away.
    checksum ^= digest[0];
    bytes += r.stream_id.length + r.type.length + r.data.length + r.metadata.length;
    events++;
  }
  const seconds = (now() - started) / 1000;
  db.close();
  return { events, seconds, eventsPerSecond: events / seconds, megabytesPerSecond: bytes / 2 ** 20 / seconds, checksum };
};

module.exports = { rawTimedAppends, rawReadParse, rawReadHash };
