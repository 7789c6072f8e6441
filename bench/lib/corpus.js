'use strict';
/*
 * The events every part works on: realistic claim lifecycles made by the real command path
 * (`seed`, the same code as `billing-ledger seed`), then cloned with fresh ids up to the size a
 * part needs. Cloning keeps every lifecycle's shape (rejections, denials, corrections,
 * reversals, patient payments, write-offs, ~640 bytes of data + metadata per event) and its
 * global order, and makes 1M events in seconds instead of the minutes the command path takes.
 */
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const Database = require('better-sqlite3');
const { dist, freshDir, log, now } = require('./common');

/** Claims in the template: enough variety that a clone looks like real traffic. */
const TEMPLATE_CLAIMS = { quick: 300, full: 2_000 };
const TEMPLATE_SEED = 7;
/** Appends per transaction when a part only needs the file, not the timing. */
const SETUP_APPENDS_PER_TX = 10_000;

const sqliteConfig = (dataDir) => ({ eventStore: 'sqlite', dataDir, host: '127.0.0.1', port: 0, esdbConnectionString: undefined });

/**
 * Seeds `claims` lifecycles through the real command services into a scratch directory and
 * returns its events in global order. The seed's run id (in every id) is what clones rename.
 */
const makeTemplate = async (workDir, claims) => {
  const dir = freshDir(workDir, 'template');
  const { seed } = dist('cli/seed');
  const started = now();
  // seed() draws a progress bar on stderr; the template is setup, so keep the bench output clean.
  const write = process.stderr.write;
  process.stderr.write = () => true;
  try {
    await seed(sqliteConfig(dir), claims, TEMPLATE_SEED);
  } finally {
    process.stderr.write = write;
  }
  const db = new Database(path.join(dir, 'events.sqlite'), { readonly: true });
  const rows = db.prepare('SELECT stream_id AS streamId, revision, type, data, metadata FROM events ORDER BY position').all();
  db.close();
  assert.ok(rows.length > 0, 'the seed appended events');
  // seed ids read `enc-<runId>-<n>`, `clm-<runId>-<n>`, `pat-<runId>-<n>`, …
  const runId = /enc-([0-9a-f]{8})-\d+$/.exec(rows[0].streamId)?.[1];
  assert.ok(runId, `cannot find the seed's run id in ${rows[0].streamId}`);
  // An append is the events one command wrote to one stream: same stream, same causation id.
  let previous = '';
  for (const r of rows) {
    const key = `${r.streamId}\u0000${JSON.parse(r.metadata).causationId}`;
    r.startsAppend = key !== previous;
    previous = key;
  }
  const bytes = rows.reduce((sum, r) => sum + r.data.length + r.metadata.length, 0);
  log(`template: ${claims} claims → ${rows.length} events (${Math.round(bytes / rows.length)} bytes each) in ${((now() - started) / 1000).toFixed(1)} s`);
  return { runId, rows, claims, bytesPerEvent: bytes / rows.length };
};

/** The template once per run, shared by the parts. */
const templateFor = (ctx) => {
  ctx.cache.template ??= makeTemplate(ctx.workDir, ctx.options.quick ? TEMPLATE_CLAIMS.quick : TEMPLATE_CLAIMS.full);
  return ctx.cache.template;
};

/** `n` events: clone k of the template with its run id renamed, so every id is unique. */
function* corpusRows(template, n) {
  let produced = 0;
  for (let k = 0; produced < n; k++) {
    const to = `${template.runId}k${k.toString(36)}`;
    const rename = (s) => s.split(template.runId).join(to);
    for (const r of template.rows) {
      if (produced === n) return;
      produced++;
      yield { streamId: rename(r.streamId), revision: r.revision, type: r.type, data: rename(r.data), metadata: rename(r.metadata), startsAppend: r.startsAppend };
    }
  }
}

/** The same events grouped into appends (what one command writes): `{ streamId, rows }`. */
function* corpusAppends(template, n) {
  let current = null;
  for (const r of corpusRows(template, n)) {
    if (current && (r.startsAppend || r.streamId !== current.streamId)) {
      yield current;
      current = null;
    }
    current ??= { streamId: r.streamId, rows: [] };
    current.rows.push(r);
  }
  if (current) yield current;
}

// ---- event ids ----------------------------------------------------------------------------

/** A random (version 4) UUID as the 16 bytes SqliteEventStore stores for a canonical UUID. */
const uuidV4Bytes = () => {
  const b = crypto.randomBytes(16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  return b;
};

/** A time-ordered (version 7) UUID: 48-bit milliseconds first, so new ids sort after old ones. */
let lastV7Ms = 0;
let v7Sequence = 0;
const uuidV7Bytes = () => {
  const b = crypto.randomBytes(16);
  let ms = Date.now();
  // Monotonic within this process, as RFC 9562 §6.2 method 3 allows: never step back.
  if (ms <= lastV7Ms) ms = lastV7Ms;
  if (ms === lastV7Ms) v7Sequence++;
  else v7Sequence = 0;
  lastV7Ms = ms;
  b.writeUIntBE(ms, 0, 6);
  b[6] = 0x70 | ((v7Sequence >> 8) & 0x0f);
  b[7] = v7Sequence & 0xff;
  b[8] = (b[8] & 0x3f) | 0x80;
  return b;
};

const bytesToUuid = (b) => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

const ID_KINDS = { v4: uuidV4Bytes, v7: uuidV7Bytes };

// ---- store files --------------------------------------------------------------------------

/**
 * Opens `file` as SqliteEventStore would: the store creates the schema and sets the pragmas,
 * then the same connection settings are used for raw work on the same file.
 */
const openStoreFileRaw = async (file, { synchronous = 'FULL' } = {}) => {
  const { SqliteEventStore } = dist('event-store/sqlite-event-store');
  const store = SqliteEventStore.open(file);
  await store.close();
  const db = new Database(file);
  db.pragma('busy_timeout = 5000');
  assert.equal(db.pragma('journal_mode = WAL', { simple: true }), 'wal');
  db.pragma(`synchronous = ${synchronous}`);
  return db;
};

/** Bytes this process has caused to be written to the block device (Linux), NaN elsewhere. */
const diskWrittenBytes = () => {
  try {
    return Number(/write_bytes: (\d+)/.exec(fs.readFileSync('/proc/self/io', 'utf8'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
};

const INSERT_SQL = 'INSERT INTO events (id, stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)';

/**
 * Inserts `n` corpus events into a store file, `appendsPerTx` appends per transaction (a
 * transaction ends on an append boundary, as a group commit does). Returns the insert timing.
 */
const insertCorpus = async (template, n, file, { appendsPerTx, idKind = 'v4', synchronous = 'FULL' } = {}) => {
  const db = await openStoreFileRaw(file, { synchronous });
  const insert = db.prepare(INSERT_SQL);
  const newId = ID_KINDS[idKind];
  assert.ok(newId, `unknown id kind ${idKind}`);
  const commit = db.transaction((batch) => {
    for (const r of batch) insert.run(newId(), r.streamId, r.revision, r.type, r.data, r.metadata);
  });
  const writtenBefore = diskWrittenBytes();
  const started = now();
  let batch = [];
  let appends = 0;
  let commits = 0;
  for (const r of corpusRows(template, n)) {
    if (r.startsAppend) {
      if (appends === appendsPerTx) {
        commit.immediate(batch);
        commits++;
        batch = [];
        appends = 0;
      }
      appends++;
    }
    batch.push(r);
  }
  if (batch.length > 0) {
    commit.immediate(batch);
    commits++;
  }
  const seconds = (now() - started) / 1000;
  const writtenBytes = diskWrittenBytes() - writtenBefore;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { events: n, seconds, commits, bytes: fs.statSync(file).size, writtenBytes };
};

/**
 * A store file with `n` corpus events, made once per run and shared by the parts that only
 * read it (rebuild, the peer's projection). Its insert time is setup, not a figure.
 */
const corpusFile = async (ctx, n) => {
  ctx.cache.files ??= new Map();
  if (!ctx.cache.files.has(n)) {
    const make = async () => {
      const template = await templateFor(ctx);
      const dir = freshDir(ctx.workDir, `corpus-${n}`);
      const file = path.join(dir, 'events.sqlite');
      const started = now();
      await insertCorpus(template, n, file, { appendsPerTx: SETUP_APPENDS_PER_TX, synchronous: 'OFF' });
      log(`corpus of ${n.toLocaleString('en-US')} events written in ${((now() - started) / 1000).toFixed(1)} s`);
      return file;
    };
    ctx.cache.files.set(n, make());
  }
  return ctx.cache.files.get(n);
};

/** Appends handed to the store at once while making a ledger: they share one group commit. */
const LEDGER_APPENDS_IN_FLIGHT = 2_000;

const withoutChain = (metadataJson) => {
  const { prevHash: _prevHash, hash: _hash, ...metadata } = JSON.parse(metadataJson);
  return metadata;
};

/**
 * A ledger data directory (LEDGER_DATA_DIR) whose events.sqlite holds `n` corpus events appended
 * through SqliteEventStore.append, so every hash chain is the store's own and `billing-ledger
 * verify` passes. corpusFile's rows keep the template's hashes, which no longer match the renamed
 * ids. Made once per run per size; the appends are setup, not a figure.
 */
const ledgerDir = async (ctx, n) => {
  ctx.cache.ledgers ??= new Map();
  if (!ctx.cache.ledgers.has(n)) {
    const make = async () => {
      const template = await templateFor(ctx);
      const dir = freshDir(ctx.workDir, `ledger-${n}`);
      const { SqliteEventStore } = dist('event-store/sqlite-event-store');
      const store = SqliteEventStore.open(path.join(dir, 'events.sqlite'), { batchMaxAppends: LEDGER_APPENDS_IN_FLIGHT });
      const started = now();
      try {
        let inFlight = [];
        for (const append of corpusAppends(template, n)) {
          // Time-ordered ids: 1.35x faster to append at 200k events than random ones (the id index stays
          // in cache); export and verify read by position, never by id.
          const events = append.rows.map((r) => ({ id: bytesToUuid(uuidV7Bytes()), type: r.type, data: JSON.parse(r.data), metadata: withoutChain(r.metadata) }));
          inFlight.push(store.append(append.streamId, events, 'any'));
          if (inFlight.length === LEDGER_APPENDS_IN_FLIGHT) {
            await Promise.all(inFlight);
            inFlight = [];
          }
        }
        await Promise.all(inFlight);
        assert.equal(Number(await store.headPosition()), n, `the ledger holds ${n} events`);
      } finally {
        await store.close();
      }
      log(`ledger of ${n.toLocaleString('en-US')} events appended through the store in ${((now() - started) / 1000).toFixed(1)} s`);
      return dir;
    };
    ctx.cache.ledgers.set(n, make());
  }
  return ctx.cache.ledgers.get(n);
};

/** Registers a store file a part already wrote with the corpus (so later parts reuse it). */
const adoptCorpusFile = (ctx, n, file) => {
  ctx.cache.files ??= new Map();
  if (!ctx.cache.files.has(n)) ctx.cache.files.set(n, Promise.resolve(file));
};

module.exports = {
  sqliteConfig,
  templateFor,
  corpusRows,
  corpusAppends,
  uuidV4Bytes,
  uuidV7Bytes,
  bytesToUuid,
  openStoreFileRaw,
  insertCorpus,
  corpusFile,
  ledgerDir,
  adoptCorpusFile,
  INSERT_SQL,
};
