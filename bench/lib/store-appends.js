'use strict';
/*
 * Appends through SqliteEventStore.append (group commit, savepoint per append, revision check,
 * idempotency lookup), from 1 or many concurrent callers. The events are made before the clock
 * starts, so the figure is the store's alone.
 */
const crypto = require('node:crypto');
const { dist, now, percentile } = require('./common');
const { corpusAppends } = require('./corpus');

/** Appends made ahead of the clock, per second of run: more than the store can take. */
const PREPARED_APPENDS_PER_SECOND = 30_000;

const toNewEvents = (append) =>
  append.rows.map((r) => ({ id: crypto.randomUUID(), type: r.type, data: JSON.parse(r.data), metadata: JSON.parse(r.metadata) }));

const prepareAppends = (template, count) => {
  const prepared = [];
  for (const append of corpusAppends(template, Number.MAX_SAFE_INTEGER)) {
    if (prepared.length === count) break;
    const first = append.rows[0];
    prepared.push({ streamId: append.streamId, events: toNewEvents(append), expected: first.revision === 0 ? 'no_stream' : first.revision - 1 });
  }
  return prepared;
};

/**
 * `callers` loops take the next append from one shared queue and await it, for `seconds`.
 * Taking and submitting happen in the same tick, so appends to one stream reach the store in
 * order, as the revisions expect.
 */
const storeTimedAppends = async (template, file, { callers, seconds, prepared }) => {
  const { SqliteEventStore } = dist('event-store/sqlite-event-store');
  const appends = prepared ?? prepareAppends(template, Math.ceil(seconds * PREPARED_APPENDS_PER_SECOND));
  const store = SqliteEventStore.open(file);
  let next = 0;
  let events = 0;
  let errors = 0;
  let firstError;
  const latenciesMs = [];
  const deadline = now() + seconds * 1000;
  const started = now();
  const caller = async () => {
    while (next < appends.length && now() < deadline) {
      const append = appends[next++];
      const t0 = now();
      try {
        await store.append(append.streamId, append.events, append.expected);
        events += append.events.length;
      } catch (error) {
        errors++;
        firstError ??= error;
      }
      latenciesMs.push(now() - t0);
    }
  };
  await Promise.all(Array.from({ length: callers }, caller));
  const elapsed = (now() - started) / 1000;
  const stats = store.stats();
  await store.close();
  if (errors > 0) throw new Error(`${errors} appends failed, first: ${firstError?.message}`);
  const done = latenciesMs.length;
  return {
    callers,
    appends: done,
    events,
    seconds: elapsed,
    appendsPerSecond: done / elapsed,
    eventsPerSecond: events / elapsed,
    commits: stats.commits,
    appendsPerCommit: stats.appends / Math.max(1, stats.commits),
    exhausted: done === appends.length,
    p50Ms: percentile(latenciesMs, 0.5),
    p99Ms: percentile(latenciesMs, 0.99),
    latenciesMs,
  };
};

module.exports = { storeTimedAppends, prepareAppends, PREPARED_APPENDS_PER_SECOND };
