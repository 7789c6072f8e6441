'use strict';
/*
 * PROTOTYPE, for measurement only (docs/performance.md, "measured and not recommended": no gain
 * on a quiet disk, where the command path is CPU-bound): group commit whose fsync does not block
 * the event loop. SqliteEventStore commits with synchronous=FULL, so every
 * COMMIT fsyncs the WAL on the main thread and nothing else runs meanwhile (no decide, no
 * projection, no HTTP). Here the connection runs synchronous=NORMAL (COMMIT writes the WAL but
 * does not fsync it) and each batch is made durable by an fdatasync of the -wal file on libuv's
 * thread pool before any of its appends is acknowledged; the next batch commits only after that.
 * (SQLite's own sync of the WAL is a full fsync(), which also journals the file's mtime.)
 *
 * It patches a live store's internals (its private `db`, `group`, `commitBatchTx` and
 * `commitListeners`), so it fails loudly if those change. Not crash-tested: a real change must
 * also cap subscriptions at the durable position and pass test/crash.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { promisify } = require('node:util');

const fdatasync = promisify(fs.fdatasync);
const BATCH_MAX_APPENDS = 256;

/**
 * `blocking: true` keeps the fdatasync on the main thread (as SQLite's own fsync is): it separates
 * what fdatasync-instead-of-fsync gains from what taking it off the event loop gains.
 */
const patchAsyncFsync = (store, eventsFile, { blocking = false } = {}) => {
  assert.ok(store.db && store.group && typeof store.commitBatchTx === 'function' && store.commitListeners instanceof Set, 'SqliteEventStore internals changed: update bench/lib/async-fsync.js');
  store.db.pragma('synchronous = NORMAL');
  const walFd = fs.openSync(`${eventsFile}-wal`, fs.constants.O_RDWR | fs.constants.O_CREAT);
  const queue = [];
  const counters = { commits: 0, appends: 0, largestBatch: 0 };
  let running = false;

  const flushAll = async () => {
    running = true;
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, BATCH_MAX_APPENDS);
        let outcomes;
        try {
          outcomes = store.commitBatchTx(batch.map((p) => p.request));
        } catch (error) {
          for (const p of batch) p.reject(error);
          continue;
        }
        // Durable before anyone hears of it: the appenders and the subscriptions.
        if (blocking) fs.fdatasyncSync(walFd);
        else await fdatasync(walFd);
        counters.commits++;
        counters.appends += batch.length;
        counters.largestBatch = Math.max(counters.largestBatch, batch.length);
        for (const wake of [...store.commitListeners]) wake();
        batch.forEach((p, i) => (outcomes[i].ok ? p.resolve(outcomes[i].value) : p.reject(outcomes[i].error)));
      }
    } finally {
      running = false;
    }
  };

  store.group = {
    submit: (request) =>
      new Promise((resolve, reject) => {
        queue.push({ request, resolve, reject });
        if (!running) {
          running = true;
          setImmediate(() => void flushAll());
        }
      }),
    drain: () => {
      // Closing: commit what is queued synchronously, as the real GroupCommit does.
      while (queue.length > 0) {
        const batch = queue.splice(0, BATCH_MAX_APPENDS);
        const outcomes = store.commitBatchTx(batch.map((p) => p.request));
        fs.fdatasyncSync(walFd);
        batch.forEach((p, i) => (outcomes[i].ok ? p.resolve(outcomes[i].value) : p.reject(outcomes[i].error)));
      }
      fs.closeSync(walFd);
    },
    stats: () => ({ ...counters }),
    get pending() {
      return queue.length;
    },
  };
};

module.exports = { patchAsyncFsync };
