import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { AssertionError } from 'node:assert';
import Database from 'better-sqlite3';
import { firstValueFrom, take, toArray } from 'rxjs';
import { ConcurrencyConflict, InvalidInput } from '../common/errors';
import type { EventMetadata } from '../common/event';
import type { NewEvent } from './event-store';
import { GroupCommit, type Outcome } from './group-commit';
import { parsePosition, positionToString, POSITION_MAX } from './position';
import { SCHEMA_VERSION_EVENTS, SqliteEventStore } from './sqlite-event-store';
import { verifyLedger } from '../audit/verify-ledger';

const metadata: EventMetadata = {
  schemaVersion: 1,
  actor: 'spec',
  correlationId: 'c',
  causationId: 'c',
  source: 'cli',
  recordedAt: '2024-01-01T00:00:00.000Z',
};
const newEvent = (data: unknown = {}, id: string = randomUUID()): NewEvent => ({ id, type: 'Specified', data, metadata });

async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

/** Waits until `done` holds; fails after `timeoutMs`. */
async function until(done: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('SqliteEventStore', () => {
  let dir: string;
  let filePath: string;
  const opened: SqliteEventStore[] = [];
  const open = (options?: Parameters<typeof SqliteEventStore.open>[1]): SqliteEventStore => {
    const store = SqliteEventStore.open(filePath, options);
    opened.push(store);
    return store;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bl-'));
    filePath = path.join(dir, 'events.sqlite');
  });

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('group commit', () => {
    it('commits 100 concurrent appends in fewer transactions than appends', async () => {
      const store = open();
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) => store.append(`claim-${i}`, [newEvent()], 'no_stream')),
      );
      expect(results.every((r) => r.nextRevision === 0)).toBe(true);
      const { commits, appends } = store.stats();
      expect(appends).toBe(100);
      expect(commits).toBeLessThan(appends);
      expect(commits).toBe(1);
    });

    it('never puts more than batchMaxAppends appends in one transaction', async () => {
      const store = open({ batchMaxAppends: 10 });
      await Promise.all(Array.from({ length: 95 }, (_, i) => store.append(`claim-${i}`, [newEvent()], 'any')));
      expect(store.stats()).toEqual({ commits: 10, appends: 95, largestBatch: 10 });
    });

    it('checks each append of a batch on its own and lets later ones see earlier ones', async () => {
      const store = open();
      await store.append('claim-other', [newEvent({}, 'taken-id')], 'no_stream');
      const before = store.stats().commits;
      const outcomes = await Promise.all([
        settle(store.append('claim-a', [newEvent()], 'no_stream')),
        settle(store.append('claim-a', [newEvent(), newEvent()], 0)), // sees the one before
        settle(store.append('claim-a', [newEvent()], 0)), // stale now
        settle(store.append('claim-b', [newEvent()], 'exists')),
        // The first event is inserted before the second collides: its savepoint must undo it.
        settle(store.append('claim-c', [newEvent(), newEvent({}, 'taken-id')], 'any')),
        settle(store.append('claim-c', [newEvent()], 'no_stream')),
      ]);
      expect(store.stats().commits).toBe(before + 1);
      expect(outcomes[0]?.value?.nextRevision).toBe(0);
      expect(outcomes[1]?.value?.nextRevision).toBe(2);
      expect(outcomes[2]?.error).toMatchObject(new ConcurrencyConflict('claim-a', '0', '2'));
      expect(outcomes[3]?.error).toMatchObject(new ConcurrencyConflict('claim-b', 'exists', 'no_stream'));
      expect(outcomes[4]?.error).toBeInstanceOf(Error);
      expect(outcomes[4]?.error).not.toBeInstanceOf(ConcurrencyConflict);
      expect(outcomes[5]?.value?.nextRevision).toBe(0);
      expect(await store.readStream('claim-a')).toHaveLength(3);
      expect(await store.readStream('claim-c')).toHaveLength(1);
      expect((await store.readAll(0n)).map((e) => e.position)).toEqual([1n, 2n, 3n, 4n, 5n]);
    });

    it('resolves an append only once another connection can read it', async () => {
      const store = open();
      const { position } = await store.append('claim-1', [newEvent()], 'no_stream');
      const reader = new Database(filePath, { readonly: true });
      try {
        expect(reader.prepare('SELECT COUNT(*) AS n FROM events WHERE position = ?').get(position)).toEqual({ n: 1 });
      } finally {
        reader.close();
      }
    });
  });

  describe('file', () => {
    it('uses WAL, synchronous=FULL and records its schema version', async () => {
      const store = open();
      await store.append('claim-1', [newEvent()], 'no_stream');
      const raw = new Database(filePath);
      try {
        expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
        expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION_EVENTS);
      } finally {
        raw.close();
      }
      // synchronous is per connection: only the store's own connection can tell.
      const own = (store as unknown as { db: Database.Database }).db;
      const FULL = 2n;
      expect(own.pragma('synchronous', { simple: true })).toBe(FULL);
    });

    it('stores a canonical UUID id as 16 bytes and any other id as text', async () => {
      const store = open();
      const uuid = randomUUID();
      await store.append('claim-1', [newEvent({}, uuid), newEvent({}, uuid.toUpperCase()), newEvent({}, 'e-3')], 'no_stream');
      const raw = new Database(filePath, { readonly: true });
      try {
        expect(raw.prepare('SELECT typeof(id) AS t, length(id) AS n FROM events ORDER BY position').all()).toEqual([
          { t: 'blob', n: 16 },
          { t: 'text', n: 36 },
          { t: 'text', n: 3 },
        ]);
      } finally {
        raw.close();
      }
      expect((await store.readStream('claim-1')).map((e) => e.id)).toEqual([uuid, uuid.toUpperCase(), 'e-3']);
    });

    it('refuses a file written by a newer schema', () => {
      const raw = new Database(filePath);
      raw.pragma(`user_version = ${SCHEMA_VERSION_EVENTS + 1}`);
      raw.close();
      expect(() => open()).toThrow(/newer/);
    });
  });

  describe('hash chain', () => {
    it('stores data as its canonical JSON, which is what the hash covers', async () => {
      const store = open();
      await store.append('s-1', [newEvent({ b: 1, a: { d: [2, undefined], c: 'x' }, skipped: undefined })], 'no_stream');
      await store.close();
      const db = new Database(filePath, { readonly: true });
      const row = db.prepare('SELECT data FROM events').get() as { data: string };
      db.close();
      expect(row.data).toBe('{"a":{"c":"x","d":[2,null]},"b":1}');
    });

    it('chains from the right hash after an append of the same batch failed half-way', async () => {
      const store = open();
      const taken = randomUUID();
      await store.append('other', [newEvent({}, taken)], 'no_stream');
      await store.append('s-1', [newEvent({ n: 0 })], 'no_stream');
      // One batch: the second append inserts its first event, then fails on an id stored elsewhere.
      const outcomes = await Promise.all([
        settle(store.append('s-1', [newEvent({ n: 1 })], 0)),
        settle(store.append('s-1', [newEvent({ n: 2 }), newEvent({ n: 3 }, taken)], 1)),
      ]);
      expect(outcomes[0]?.error).toBeUndefined();
      expect(outcomes[1]?.error).toBeInstanceOf(Error);
      // Revision 2 written by another process, so this store has not seen its hash.
      await open().append('s-1', [newEvent({ n: 2, writer: 'another' })], 1);
      await store.append('s-1', [newEvent({ n: 3 })], 2);
      const report = await verifyLedger(store);
      expect(report).toMatchObject({ ok: true, eventsChecked: 5 });
    });

    it('does not trust a stream head it knew once another process has appended', async () => {
      const first = open();
      const second = open();
      expect(await first.readStream('s-1')).toEqual([]);
      await second.append('s-1', [newEvent({ by: 'second' })], 'no_stream');
      expect((await first.readStream('s-1', { fromRevision: 0 })).map((e) => e.data)).toEqual([{ by: 'second' }]);
      await expect(second.append('s-1', [newEvent()], 'no_stream')).rejects.toBeInstanceOf(ConcurrencyConflict);
      const third = open();
      expect(await third.readStream('s-2')).toEqual([]);
      await first.append('s-2', [newEvent()], 'no_stream');
      await expect(third.append('s-2', [newEvent()], 'no_stream')).rejects.toBeInstanceOf(ConcurrencyConflict);
    });

    it('sees at once what another connection in this process committed, within the same turn', async () => {
      const first = open();
      const second = open();
      const appended = second.append('s-3', [newEvent()], 'no_stream');
      expect(await first.readStream('s-3')).toEqual([]);
      await appended;
      expect(await first.readStream('s-3', { fromRevision: 0 })).toHaveLength(1);
    });

    it('chains correctly when two processes append to the same stream in turn', async () => {
      const first = open();
      const second = open();
      for (let revision = 0; revision < 6; revision++) {
        const writer = revision % 3 === 0 ? second : first;
        await writer.append('s-1', [newEvent({ revision })], revision === 0 ? 'no_stream' : revision - 1);
      }
      expect(await verifyLedger(first)).toMatchObject({ ok: true, eventsChecked: 6 });
    });
  });

  describe('subscriptions', () => {
    it('sees events another process appends to the same file, by polling', async () => {
      const writer = open();
      const reader = open({ pollIntervalMs: 20 });
      await writer.append('claim-1', [newEvent({ n: 1 })], 'no_stream');
      const received: unknown[] = [];
      const subscription = reader.subscribeAll(0n).subscribe((e) => received.push(e.data));
      try {
        await until(() => received.length === 1);
        // The reader's own commit signal never fires for the writer's append: only polling finds it.
        await writer.append('claim-1', [newEvent({ n: 2 })], 0);
        await until(() => received.length === 2);
        expect(received).toEqual([{ n: 1 }, { n: 2 }]);
      } finally {
        subscription.unsubscribe();
      }
    });

    it("reads the log in order when its own appends and another process's interleave", async () => {
      const store = open({ pollIntervalMs: 10 });
      const other = open();
      const seen = firstValueFrom(store.subscribeAll(0n).pipe(take(6), toArray()));
      for (let n = 0; n < 6; n++) {
        await (n % 3 === 1 ? other : store).append(`s-${n}`, [newEvent({ n })], 'no_stream');
        expect((await store.readAll(0n)).map((e) => e.data)).toEqual(Array.from({ length: n + 1 }, (_, i) => ({ n: i })));
      }
      expect((await seen).map((e) => [e.position, e.data])).toEqual(Array.from({ length: 6 }, (_, n) => [BigInt(n + 1), { n }]));
    });

    it("delivers this store's own appends at once, without waiting for the poll", async () => {
      const store = open({ pollIntervalMs: 60_000 });
      const received: unknown[] = [];
      const subscription = store.subscribeAll(0n).subscribe((e) => received.push(e.data));
      try {
        await new Promise((resolve) => setTimeout(resolve, 20));
        await store.append('claim-1', [newEvent({ n: 1 })], 'no_stream');
        await until(() => received.length === 1, 1_000);
        expect(received).toEqual([{ n: 1 }]);
      } finally {
        subscription.unsubscribe();
      }
    });

    it('catches up across many pages without skipping', async () => {
      const store = open();
      const total = 1_234;
      await Promise.all(Array.from({ length: total }, (_, i) => store.append(`claim-${i % 7}`, [newEvent({ i })], 'any')));
      const all = await firstValueFrom(store.subscribeAll(0n).pipe(take(total), toArray()));
      expect(all.map((e) => e.position)).toEqual(Array.from({ length: total }, (_, i) => BigInt(i + 1)));
    });

    it('passes a read error to the subscriber', async () => {
      const store = open();
      const raw = new Database(filePath);
      raw
        .prepare('INSERT INTO events (id, stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)')
        .run('bad', 'claim-1', 0, 'Broken', '{not json', '{}');
      raw.close();
      await expect(firstValueFrom(store.subscribeAll(0n))).rejects.toThrow(SyntaxError);
    });

    it('errors a subscription made after close', async () => {
      const store = open();
      await store.close();
      await expect(firstValueFrom(store.subscribeAll(0n))).rejects.toThrow(/closed/);
    });
  });

  describe('programmer errors', () => {
    it('rejects malformed arguments with an AssertionError', async () => {
      const store = open();
      const cases: Array<Promise<unknown>> = [
        store.append('', [newEvent()], 'any'),
        store.append('claim-1', [newEvent()], -1),
        store.append('claim-1', [newEvent()], 1.5),
        store.append('claim-1', [{ ...newEvent(), id: '' }], 'any'),
        store.append('claim-1', [{ ...newEvent(), type: '' }], 'any'),
        store.append('claim-1', [{ ...newEvent(), data: undefined }], 'any'),
        store.readStream('claim-1', { fromRevision: -1 }),
        store.readAll(-1n),
        store.readAll(0n, { maxCount: 0 }),
      ];
      for (const c of cases) await expect(c).rejects.toBeInstanceOf(AssertionError);
      expect(await store.headPosition()).toBe(0n);
    });
  });
});

describe('GroupCommit', () => {
  it('rejects every request of a batch whose commit throws, and settles the next batch normally', async () => {
    let fail = true;
    const group = new GroupCommit<number, number>((batch): Array<Outcome<number>> => {
      if (fail) throw new Error('disk full');
      return batch.map((n) => (n < 0 ? { ok: false, error: new Error(`negative ${n}`) } : { ok: true, value: n * 2 }));
    }, 8);
    const failed = await Promise.all([1, 2].map((n) => settle(group.submit(n))));
    expect(failed.map((o) => (o.error as Error).message)).toEqual(['disk full', 'disk full']);
    expect(group.stats().commits).toBe(0);
    fail = false;
    const settled = await Promise.all([3, -4].map((n) => settle(group.submit(n))));
    expect(settled[0]?.value).toBe(6);
    expect((settled[1]?.error as Error).message).toBe('negative -4');
    expect(group.stats()).toEqual({ commits: 1, appends: 2, largestBatch: 2 });
  });

  it('drains the queue synchronously', async () => {
    const group = new GroupCommit<number, number>((batch) => batch.map((n) => ({ ok: true, value: n })), 2);
    const results = Promise.all([1, 2, 3, 4, 5].map((n) => group.submit(n)));
    group.drain();
    expect(group.pending).toBe(0);
    expect(group.stats().commits).toBe(3);
    expect(await results).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('position', () => {
  it('round-trips positions as decimal strings', () => {
    for (const p of [0n, 1n, 1_234_567_890_123n, POSITION_MAX]) expect(parsePosition(positionToString(p))).toBe(p);
  });

  it.each(['', '-1', '01', '1.5', '1e3', ' 1', '0x10', 'abc', (POSITION_MAX + 1n).toString()])(
    'rejects %p as InvalidInput',
    (s) => {
      expect(() => parsePosition(s)).toThrow(InvalidInput);
    },
  );

  it('rejects a non-string as InvalidInput', () => {
    expect(() => parsePosition(12 as unknown as string)).toThrow(InvalidInput);
  });

  it('asserts a position to format is in range', () => {
    expect(() => positionToString(-1n)).toThrow(AssertionError);
  });
});
