import { eventHash, GENESIS_HASH } from '../../src/event-store/hash-chain';
import { randomUUID } from 'node:crypto';
import type { Observable, Subscription } from 'rxjs';
import { ConcurrencyConflict } from '../../src/common/errors';
import type { EventMetadata } from '../../src/common/event';
import type { EventStore, NewEvent, Position, RecordedEvent } from '../../src/event-store/event-store';

/**
 * The contract every EventStore adapter passes. Tests never assume the store is empty (a
 * network adapter may share its server), so each works in fresh streams and relative to the
 * head position it saw at its start, and filters the global log down to its own streams.
 */

export interface EventStoreContractOptions {
  /**
   * Closes `store` and opens the same storage again (a restart). Given, the contract checks that
   * every acknowledged event survives it.
   */
  reopen?: (store: EventStore) => Promise<EventStore>;
  /**
   * Network adapters only: severs the connection under `store` (kills the socket, restarts the
   * server) and resolves once it is down. Given, the contract checks the adapter recovers
   * without losing or repeating events. An embedded store has no connection to drop, so the
   * test is not defined for it.
   */
  dropConnection?: (store: EventStore) => Promise<void>;
}

export type MakeStore = () => Promise<{ store: EventStore; cleanup: () => Promise<void> }>;

/** Longest a test waits for a subscription to deliver before it fails. */
const DELIVERY_TIMEOUT_MS = 5_000;
const DELIVERY_POLL_MS = 5;
/** How long a test watches a caught-up subscription to be sure nothing more (a repeat) arrives. */
const QUIET_PERIOD_MS = 100;
const CONCURRENT_STREAMS = 100;
const CONCURRENT_SAME_STREAM = 20;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const newStreamId = (): string => `contract-${randomUUID()}`;

const HEX_64 = /^[0-9a-f]{64}$/;

function withoutHashes(m: EventMetadata | undefined): Omit<EventMetadata, 'prevHash' | 'hash'> | undefined {
  if (m === undefined) return undefined;
  const { prevHash: _p, hash: _h, ...rest } = m;
  return rest;
}

function metadata(extra: Partial<EventMetadata> = {}): EventMetadata {
  return {
    schemaVersion: 1,
    actor: 'contract-test',
    correlationId: randomUUID(),
    causationId: randomUUID(),
    source: 'api',
    recordedAt: '2024-01-02T03:04:05.678Z',
    ...extra,
  };
}

function newEvent(data: unknown = { n: 0 }, type = 'ContractTested'): NewEvent {
  return { id: randomUUID(), type, data, metadata: metadata() };
}

const newEvents = (count: number, tag = 'e'): NewEvent[] =>
  Array.from({ length: count }, (_, n) => newEvent({ tag, n }));

const inStreams =
  (...streamIds: string[]) =>
  (e: RecordedEvent): boolean =>
    streamIds.includes(e.streamId);

async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

async function expectConflict(promise: Promise<unknown>, streamId: string, expected: string, actual: string): Promise<void> {
  const { error } = await settle(promise);
  expect(error).toBeInstanceOf(ConcurrencyConflict);
  expect(error).toMatchObject({ streamId, expected, actual });
}

function expectStrictlyIncreasing(positions: readonly Position[]): void {
  positions.forEach((p, i) => {
    expect(typeof p).toBe('bigint');
    if (i > 0) expect(p > (positions[i - 1] as Position)).toBe(true);
  });
}

/** Records what a subscription delivers (of the given streams) and lets a test wait for it. */
class Recorder {
  readonly events: RecordedEvent[] = [];
  completed = false;
  error: unknown;
  private readonly subscription: Subscription;

  constructor(observable: Observable<RecordedEvent>, keep: (e: RecordedEvent) => boolean) {
    this.subscription = observable.subscribe({
      next: (e) => {
        if (keep(e)) this.events.push(e);
      },
      error: (error: unknown) => {
        this.error = error;
      },
      complete: () => {
        this.completed = true;
      },
    });
  }

  async waitFor(count: number): Promise<RecordedEvent[]> {
    const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
    while (this.events.length < count) {
      if (this.error !== undefined) throw this.error;
      if (Date.now() > deadline) {
        throw new Error(`subscription delivered ${this.events.length} of ${count} events in ${DELIVERY_TIMEOUT_MS} ms`);
      }
      await sleep(DELIVERY_POLL_MS);
    }
    return this.events;
  }

  /** Waits for exactly `count` events, then makes sure no more (no repeats) follow. */
  async expectExactly(count: number): Promise<RecordedEvent[]> {
    await this.waitFor(count);
    await sleep(QUIET_PERIOD_MS);
    expect(this.events).toHaveLength(count);
    return this.events;
  }

  async waitForEnd(): Promise<void> {
    const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
    while (!this.completed && this.error === undefined) {
      if (Date.now() > deadline) throw new Error('subscription did not end');
      await sleep(DELIVERY_POLL_MS);
    }
  }

  unsubscribe(): void {
    this.subscription.unsubscribe();
  }
}

export function eventStoreContract(name: string, makeStore: MakeStore, options: EventStoreContractOptions = {}): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;
    const recorders: Recorder[] = [];

    const record = (after: Position, ...streamIds: string[]): Recorder => {
      const recorder = new Recorder(store.subscribeAll(after), inStreams(...streamIds));
      recorders.push(recorder);
      return recorder;
    };

    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
    });

    afterEach(async () => {
      for (const r of recorders.splice(0)) r.unsubscribe();
      await cleanup();
    });

    describe('ordering', () => {
      it('gives every event a strictly increasing global position across streams', async () => {
        const start = await store.headPosition();
        const a = newStreamId();
        const b = newStreamId();
        const r1 = await store.append(a, newEvents(2, 'a1'), 'no_stream');
        const r2 = await store.append(b, newEvents(1, 'b1'), 'no_stream');
        const r3 = await store.append(a, newEvents(3, 'a2'), 1);
        expectStrictlyIncreasing([start, r1.position, r2.position, r3.position]);

        const log = (await store.readAll(start)).filter(inStreams(a, b));
        expect(log.map((e) => [e.streamId, (e.data as { tag: string }).tag])).toEqual([
          [a, 'a1'],
          [a, 'a1'],
          [b, 'b1'],
          [a, 'a2'],
          [a, 'a2'],
          [a, 'a2'],
        ]);
        expectStrictlyIncreasing(log.map((e) => e.position));
        expect(log[1]?.position).toBe(r1.position);
        expect(log[2]?.position).toBe(r2.position);
        expect(log[5]?.position).toBe(r3.position);
        expect(await store.headPosition()).toBeGreaterThanOrEqual(r3.position);
      });

      it('numbers revisions per stream from 0, independently of other streams', async () => {
        const a = newStreamId();
        const b = newStreamId();
        expect((await store.append(a, newEvents(2), 'no_stream')).nextRevision).toBe(1);
        expect((await store.append(b, newEvents(1), 'no_stream')).nextRevision).toBe(0);
        expect((await store.append(a, newEvents(3), 'any')).nextRevision).toBe(4);
        expect((await store.readStream(a)).map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
        expect((await store.readStream(b)).map((e) => e.revision)).toEqual([0]);
      });

      it('starts an empty head at 0n or above and reports the last position', async () => {
        const head = await store.headPosition();
        expect(typeof head).toBe('bigint');
        expect(head >= 0n).toBe(true);
        const { position } = await store.append(newStreamId(), newEvents(1), 'any');
        expect(await store.headPosition()).toBe(position);
      });
    });

    describe('expected revision', () => {
      /** Asserts the stream and the global head did not move. */
      async function expectNothingAppended(streamId: string, length: number, head: Position): Promise<void> {
        expect(await store.readStream(streamId)).toHaveLength(length);
        expect(await store.headPosition()).toBe(head);
      }

      it("'any' appends to a new and to an existing stream", async () => {
        const s = newStreamId();
        expect((await store.append(s, newEvents(1), 'any')).nextRevision).toBe(0);
        expect((await store.append(s, newEvents(1), 'any')).nextRevision).toBe(1);
      });

      it("'no_stream' appends only to a stream that does not exist", async () => {
        const s = newStreamId();
        expect((await store.append(s, newEvents(2), 'no_stream')).nextRevision).toBe(1);
        const head = await store.headPosition();
        await expectConflict(store.append(s, newEvents(2), 'no_stream'), s, 'no_stream', '1');
        await expectNothingAppended(s, 2, head);
      });

      it("'exists' appends only to a stream with at least one event", async () => {
        const s = newStreamId();
        const head = await store.headPosition();
        await expectConflict(store.append(s, newEvents(2), 'exists'), s, 'exists', 'no_stream');
        await expectNothingAppended(s, 0, head);
        await store.append(s, newEvents(1), 'no_stream');
        expect((await store.append(s, newEvents(1), 'exists')).nextRevision).toBe(1);
      });

      it('a revision number appends only when it is the last revision of the stream', async () => {
        const s = newStreamId();
        const head0 = await store.headPosition();
        await expectConflict(store.append(s, newEvents(1), 0), s, '0', 'no_stream');
        await expectNothingAppended(s, 0, head0);

        await store.append(s, newEvents(2), 'no_stream');
        const head = await store.headPosition();
        await expectConflict(store.append(s, newEvents(2), 0), s, '0', '1');
        await expectConflict(store.append(s, newEvents(2), 2), s, '2', '1');
        await expectNothingAppended(s, 2, head);
        expect((await store.append(s, newEvents(2), 1)).nextRevision).toBe(3);
      });

      it('an append of no events checks the expected revision and returns the current state', async () => {
        const s = newStreamId();
        const empty = await store.append(s, [], 'no_stream');
        expect(empty.nextRevision).toBe(-1);
        expect(empty.position).toBe(await store.headPosition());
        await expectConflict(store.append(s, [], 'exists'), s, 'exists', 'no_stream');

        const written = await store.append(s, newEvents(2), 'no_stream');
        const head = await store.headPosition();
        expect(await store.append(s, [], 1)).toEqual({ nextRevision: 1, position: head });
        expect(await store.append(s, [], 'exists')).toEqual({ nextRevision: 1, position: head });
        expect(written.nextRevision).toBe(1);
        await expectConflict(store.append(s, [], 'no_stream'), s, 'no_stream', '1');
        await expectNothingAppended(s, 2, head);
      });
    });

    describe('idempotent retries', () => {
      it('returns the original result and appends nothing when the same events are sent again', async () => {
        const s = newStreamId();
        const events = newEvents(3);
        const first = await store.append(s, events, 'no_stream');
        const head = await store.headPosition();
        expect(await store.append(s, events, 'no_stream')).toEqual(first);
        expect(await store.append(s, events, 'any')).toEqual(first);
        expect(await store.readStream(s)).toHaveLength(3);
        expect(await store.headPosition()).toBe(head);
      });

      it('recognises a retry with a stale expected revision after the stream moved on', async () => {
        const s = newStreamId();
        await store.append(s, newEvents(1), 'no_stream');
        const events = newEvents(2);
        const original = await store.append(s, events, 0);
        await store.append(s, newEvents(2), 2);
        const head = await store.headPosition();
        expect(await store.append(s, events, 0)).toEqual(original);
        expect(await store.append(s, events, 'no_stream')).toEqual(original);
        expect(await store.readStream(s)).toHaveLength(5);
        expect(await store.headPosition()).toBe(head);
      });

      it('treats concurrent duplicates of one append as one append', async () => {
        const s = newStreamId();
        const events = newEvents(2);
        const results = await Promise.all([1, 2, 3].map(() => store.append(s, events, 'no_stream')));
        expect(results[1]).toEqual(results[0]);
        expect(results[2]).toEqual(results[0]);
        expect(await store.readStream(s)).toHaveLength(2);
      });

      it('rejects an append that repeats only some stored ids, and appends none of it', async () => {
        const s = newStreamId();
        const events = newEvents(2);
        await store.append(s, events, 'no_stream');
        const head = await store.headPosition();
        const [e0, e1] = events as [NewEvent, NewEvent];
        const partial = await settle(store.append(s, [e0, newEvent()], 'any'));
        expect(partial.error).toBeInstanceOf(Error);
        expect(partial.error).not.toBeInstanceOf(ConcurrencyConflict);
        const lateRepeat = await settle(store.append(s, [newEvent(), e1], 'any'));
        expect(lateRepeat.error).toBeInstanceOf(Error);
        const reordered = await settle(store.append(s, [e1, e0], 'any'));
        expect(reordered.error).toBeInstanceOf(Error);
        expect(await store.readStream(s)).toHaveLength(2);
        expect(await store.headPosition()).toBe(head);
      });

      it('rejects ids repeated within one append', async () => {
        const s = newStreamId();
        const e = newEvent();
        await expect(store.append(s, [e, { ...e, type: 'Other' }], 'any')).rejects.toThrow();
        expect(await store.readStream(s)).toEqual([]);
      });
    });

    describe('atomicity', () => {
      it('stores none of the events of an append that fails', async () => {
        const s = newStreamId();
        await store.append(s, newEvents(1), 'no_stream');
        const head = await store.headPosition();
        await expectConflict(store.append(s, newEvents(5), 'no_stream'), s, 'no_stream', '0');
        // The second event cannot be serialised: the first must not be stored alone.
        const unserialisable = await settle(store.append(s, [newEvent(), newEvent({ big: 10n })], 0));
        expect(unserialisable.error).toBeDefined();
        expect(await store.readStream(s)).toHaveLength(1);
        expect(await store.headPosition()).toBe(head);
      });
    });

    describe('hash chain (tamper evidence, docs/audit.md)', () => {
      it('chains every event of a stream: prevHash of the first is 64 zeros, each hash recomputes, each prevHash is the previous hash', async () => {
        const s = newStreamId();
        await store.append(s, newEvents(2), 'no_stream');
        await store.append(s, newEvents(3), 1);
        const read = await store.readStream(s);
        expect(read.map((e) => e.metadata.prevHash)).toEqual([GENESIS_HASH, ...read.slice(0, -1).map((e) => e.metadata.hash)]);
        for (const e of read) {
          expect(e.metadata.hash).toBe(eventHash({ ...e, metadata: e.metadata as unknown as Record<string, unknown> }));
        }
        expect(new Set(read.map((e) => e.metadata.hash)).size).toBe(5);
      });

      it('ignores hashes the caller sends and computes its own', async () => {
        const s = newStreamId();
        const forged = { ...newEvents(1)[0]!, metadata: { ...metadata(), prevHash: 'f'.repeat(64), hash: 'e'.repeat(64) } };
        await store.append(s, [forged], 'no_stream');
        const [read] = await store.readStream(s);
        expect(read?.metadata.prevHash).toBe(GENESIS_HASH);
        expect(read?.metadata.hash).toBe(eventHash({ ...read!, metadata: read!.metadata as unknown as Record<string, unknown> }));
      });

      it('keeps one unforked chain per stream under concurrent appends with expected revision any', async () => {
        const s = newStreamId();
        await Promise.all(Array.from({ length: 10 }, () => store.append(s, newEvents(1), 'any')));
        const read = await store.readStream(s);
        expect(read).toHaveLength(10);
        expect(read.map((e) => e.metadata.prevHash)).toEqual([GENESIS_HASH, ...read.slice(0, -1).map((e) => e.metadata.hash)]);
      });
    });

    describe('readStream', () => {
      it('returns the full envelope of each event in revision order', async () => {
        const s = newStreamId();
        const events = newEvents(3);
        const { position } = await store.append(s, events, 'no_stream');
        const read = await store.readStream(s);
        expect(read).toEqual(
          events.map((e, revision) => ({
            id: e.id,
            type: e.type,
            streamId: s,
            revision,
            position: expect.any(BigInt) as unknown,
            data: e.data,
            metadata: { ...e.metadata, prevHash: expect.stringMatching(HEX_64) as unknown, hash: expect.stringMatching(HEX_64) as unknown },
          })),
        );
        expect(read[2]?.position).toBe(position);
        expectStrictlyIncreasing(read.map((e) => e.position));
      });

      it('reads from a revision and at most maxCount events', async () => {
        const s = newStreamId();
        await store.append(s, newEvents(10), 'no_stream');
        const revisions = async (o: { fromRevision?: number; maxCount?: number }): Promise<number[]> =>
          (await store.readStream(s, o)).map((e) => e.revision);
        expect(await revisions({ fromRevision: 7 })).toEqual([7, 8, 9]);
        expect(await revisions({ maxCount: 3 })).toEqual([0, 1, 2]);
        expect(await revisions({ fromRevision: 4, maxCount: 2 })).toEqual([4, 5]);
        expect(await revisions({ fromRevision: 9, maxCount: 5 })).toEqual([9]);
        expect(await revisions({ fromRevision: 10 })).toEqual([]);
        expect(await revisions({ fromRevision: 0, maxCount: 0 })).toEqual([]);
      });

      it('reads an unknown stream as empty', async () => {
        expect(await store.readStream(newStreamId())).toEqual([]);
        expect(await store.readStream(newStreamId(), { fromRevision: 3, maxCount: 2 })).toEqual([]);
      });
    });

    describe('readAll', () => {
      it('pages from a position: the pages concatenate to the whole log with no gap or repeat', async () => {
        const start = await store.headPosition();
        const streams = [newStreamId(), newStreamId(), newStreamId()];
        const ids: string[] = [];
        for (let round = 0; round < 5; round++) {
          for (const s of streams) {
            const events = newEvents(round % 2 === 0 ? 2 : 1);
            ids.push(...events.map((e) => e.id));
            await store.append(s, events, 'any');
          }
        }
        const whole = await store.readAll(start, { maxCount: 1_000 });
        const pageSize = 4;
        const paged: RecordedEvent[] = [];
        let after = start;
        for (let pages = 0; pages < whole.length; pages++) {
          const page = await store.readAll(after, { maxCount: pageSize });
          expect(page.length).toBeLessThanOrEqual(pageSize);
          if (page.length === 0) break;
          expect(page[0]?.position).toBeGreaterThan(after);
          paged.push(...page);
          after = page[page.length - 1]?.position ?? after;
        }
        expect(paged).toEqual(whole);
        expectStrictlyIncreasing(paged.map((e) => e.position));
        expect(paged.filter(inStreams(...streams)).map((e) => e.id)).toEqual(ids);
        expect(await store.readAll(await store.headPosition())).toEqual([]);
      });

      it('starts strictly after the given position', async () => {
        const s = newStreamId();
        await store.append(s, newEvents(4), 'no_stream');
        const all = await store.readStream(s);
        const second = all[1] as RecordedEvent;
        const after = (await store.readAll(second.position, { maxCount: 2 })).filter(inStreams(s));
        expect(after.map((e) => e.revision)).toEqual([2, 3]);
      });
    });

    describe('subscribeAll', () => {
      it('catches up from a position, then delivers new events live, each exactly once, in order', async () => {
        const start = await store.headPosition();
        const a = newStreamId();
        const b = newStreamId();
        await store.append(a, newEvents(3, 'stored'), 'no_stream');
        await store.append(b, newEvents(2, 'stored'), 'no_stream');
        const recorder = record(start, a, b);
        await recorder.waitFor(5);

        await store.append(a, newEvents(2, 'live'), 2);
        await Promise.all([store.append(b, newEvents(1, 'live'), 1), store.append(a, newEvents(1, 'live'), 'any')]);
        const received = await recorder.expectExactly(9);

        const expected = (await store.readAll(start)).filter(inStreams(a, b));
        expect(received).toEqual(expected);
        expectStrictlyIncreasing(received.map((e) => e.position));
        expect(received.map((e) => (e.data as { tag: string }).tag)).toEqual([
          ...Array<string>(5).fill('stored'),
          ...Array<string>(4).fill('live'),
        ]);
      });

      it('resumes from a checkpoint in the middle of the log, exclusive of it', async () => {
        const s = newStreamId();
        await store.append(s, newEvents(6), 'no_stream');
        const stored = await store.readStream(s);
        const checkpoint = (stored[2] as RecordedEvent).position;
        const recorder = record(checkpoint, s);
        expect((await recorder.waitFor(3)).map((e) => e.revision)).toEqual([3, 4, 5]);
        await store.append(s, newEvents(1), 5);
        expect((await recorder.expectExactly(4)).map((e) => e.revision)).toEqual([3, 4, 5, 6]);
      });

      it('from the head delivers only what is appended afterwards', async () => {
        const s = newStreamId();
        await store.append(s, newEvents(2), 'no_stream');
        const recorder = record(await store.headPosition(), s);
        await sleep(QUIET_PERIOD_MS);
        expect(recorder.events).toEqual([]);
        await store.append(s, newEvents(1), 1);
        expect((await recorder.expectExactly(1)).map((e) => e.revision)).toEqual([2]);
      });

      it('delivers concurrent appends to many streams in global order, none missed or repeated', async () => {
        const start = await store.headPosition();
        const streams = Array.from({ length: 30 }, newStreamId);
        const recorder = record(start, ...streams);
        await Promise.all(streams.map((s) => store.append(s, newEvents(2), 'no_stream')));
        await Promise.all(streams.map((s) => store.append(s, newEvents(1), 1)));
        const received = await recorder.expectExactly(streams.length * 3);
        expectStrictlyIncreasing(received.map((e) => e.position));
        expect(received).toEqual((await store.readAll(start)).filter(inStreams(...streams)));
      });

      it('stops delivering once unsubscribed', async () => {
        const s = newStreamId();
        const recorder = record(await store.headPosition(), s);
        await store.append(s, newEvents(1), 'no_stream');
        await recorder.waitFor(1);
        recorder.unsubscribe();
        await store.append(s, newEvents(2), 0);
        await sleep(QUIET_PERIOD_MS);
        expect(recorder.events).toHaveLength(1);
      });

      it('gives each subscriber its own independent stream of events', async () => {
        const s = newStreamId();
        // Positions are opaque: "before the first event" is the head seen before it, not position - 1n
        // (EventStoreDB refuses to read from a position inside a record).
        const before = await store.headPosition();
        await store.append(s, newEvents(2), 'no_stream');
        const stored = await store.readStream(s);
        const fromStart = record(before, s);
        const fromMiddle = record((stored[0] as RecordedEvent).position, s);
        await store.append(s, newEvents(1), 1);
        expect((await fromStart.expectExactly(3)).map((e) => e.revision)).toEqual([0, 1, 2]);
        expect((await fromMiddle.expectExactly(2)).map((e) => e.revision)).toEqual([1, 2]);
      });
    });

    describe('concurrency', () => {
      it(`accepts ${CONCURRENT_STREAMS} concurrent appends to different streams`, async () => {
        const start = await store.headPosition();
        const streams = Array.from({ length: CONCURRENT_STREAMS }, newStreamId);
        const results = await Promise.all(streams.map((s) => store.append(s, newEvents(2), 'no_stream')));
        expect(results.every((r) => r.nextRevision === 1)).toBe(true);
        expect(new Set(results.map((r) => r.position)).size).toBe(CONCURRENT_STREAMS);
        const log = (await store.readAll(start, { maxCount: CONCURRENT_STREAMS * 2 + 1_000 })).filter(inStreams(...streams));
        expect(log).toHaveLength(CONCURRENT_STREAMS * 2);
        for (const [i, s] of streams.entries()) {
          const events = await store.readStream(s);
          expect(events.map((e) => e.revision)).toEqual([0, 1]);
          expect(events[1]?.position).toBe(results[i]?.position);
        }
      });

      it.each<[string, number | 'no_stream', number]>([
        ['the same revision', 0, 1],
        ["'no_stream'", 'no_stream', 0],
      ])(
        `lets exactly one of ${CONCURRENT_SAME_STREAM} concurrent appends to one stream expecting %s win`,
        async (_label, expected, existing) => {
          const s = newStreamId();
          if (existing > 0) await store.append(s, newEvents(existing), 'no_stream');
          const outcomes = await Promise.all(
            Array.from({ length: CONCURRENT_SAME_STREAM }, (_, i) => settle(store.append(s, newEvents(2, `w${i}`), expected))),
          );
          const winners = outcomes.filter((o) => o.error === undefined);
          const losers = outcomes.filter((o) => o.error !== undefined);
          expect(winners).toHaveLength(1);
          expect(winners[0]?.value?.nextRevision).toBe(existing + 1);
          for (const loser of losers) {
            expect(loser.error).toBeInstanceOf(ConcurrencyConflict);
            expect(loser.error).toMatchObject({ streamId: s, expected: String(expected), actual: String(existing + 1) });
          }
          const stored = await store.readStream(s);
          expect(stored).toHaveLength(existing + 2);
          expect(new Set(stored.slice(existing).map((e) => (e.data as { tag: string }).tag)).size).toBe(1);
        },
      );
    });

    describe('data', () => {
      it('round-trips unicode, nesting, large safe integers and optional metadata', async () => {
        const s = newStreamId();
        const data = {
          text: 'Zoë Ångström · 患者 · مريض · 🦷🩺 · e\u0301 · "quoted" \\ back\nslash\t',
          empty: '',
          nested: { deeper: { deepest: [1, [2, [3, { four: null }]]] }, flags: [true, false] },
          maxSafeCents: Number.MAX_SAFE_INTEGER,
          minSafeCents: Number.MIN_SAFE_INTEGER,
          zero: 0,
          fraction: 0.1,
          list: [],
        };
        const withKey: NewEvent = {
          id: randomUUID(),
          // Not a domain event type: on a shared server (npm run test:esdb) the app's projections
          // would apply this made-up data to their tables.
          type: 'ContractPaymentRecorded',
          data,
          metadata: metadata({ idempotencyKey: 'idem-ключ-1', source: 'import' }),
        };
        const withoutKey: NewEvent = { id: randomUUID(), type: 'Plain', data: 'just a string', metadata: metadata() };
        const atoms: NewEvent[] = [null, 42, [1, 'two']].map((d) => newEvent(d));
        const before = await store.headPosition();
        await store.append(s, [withKey, withoutKey, ...atoms], 'no_stream');

        const read = await store.readStream(s);
        expect(read.map((e) => e.data)).toEqual([data, 'just a string', null, 42, [1, 'two']]);
        expect(withoutHashes(read[0]?.metadata)).toEqual(withKey.metadata);
        expect(withoutHashes(read[1]?.metadata)).toEqual(withoutKey.metadata);
        expect(read[1]?.metadata).not.toHaveProperty('idempotencyKey');
        expect((read[0]?.data as typeof data).maxSafeCents).toBe(9_007_199_254_740_991);
        const viaAll = (await store.readAll(before)).filter(inStreams(s));
        expect(viaAll).toEqual(read);
      });

      it('round-trips event ids exactly as given', async () => {
        const s = newStreamId();
        const ids = [randomUUID(), randomUUID().toUpperCase()];
        await store.append(
          s,
          ids.map((id) => ({ ...newEvent(), id })),
          'no_stream',
        );
        expect((await store.readStream(s)).map((e) => e.id)).toEqual(ids);
      });
    });

    describe('close', () => {
      it('commits appends in flight, completes subscribers, then rejects every operation', async () => {
        const s = newStreamId();
        const recorder = record(await store.headPosition(), s);
        const inFlight = store.append(s, newEvents(2), 'no_stream');
        await store.close();
        expect((await inFlight).nextRevision).toBe(1);
        await recorder.waitForEnd();
        expect(recorder.completed).toBe(true);

        await expect(store.append(s, newEvents(1), 'any')).rejects.toThrow();
        await expect(store.readStream(s)).rejects.toThrow();
        await expect(store.readAll(0n)).rejects.toThrow();
        await expect(store.headPosition()).rejects.toThrow();
        await store.close(); // idempotent
      });
    });

    const { reopen, dropConnection } = options;

    if (reopen !== undefined) {
      it('keeps every acknowledged event after a close and reopen, and carries on from there', async () => {
        const start = await store.headPosition();
        const a = newStreamId();
        const b = newStreamId();
        const first = newEvents(2);
        await store.append(a, first, 'no_stream');
        await Promise.all([store.append(b, newEvents(3), 'no_stream'), store.append(a, newEvents(1), 1)]);
        const before = await store.readAll(start);
        const head = await store.headPosition();

        const reopened = await reopen(store);
        try {
          expect(await reopened.readAll(start)).toEqual(before);
          expect(await reopened.headPosition()).toBe(head);
          expect(await reopened.append(a, first, 'no_stream')).toEqual({
            nextRevision: 1,
            position: before[1]?.position,
          });
          const next = await reopened.append(a, newEvents(1), 2);
          expect(next.nextRevision).toBe(3);
          expect(next.position > head).toBe(true);
        } finally {
          await reopened.close();
        }
      });
    }

    if (dropConnection !== undefined) {
      it('recovers from a dropped connection without losing or repeating events', async () => {
        const s = newStreamId();
        const recorder = record(await store.headPosition(), s);
        await store.append(s, newEvents(2), 'no_stream');
        await recorder.waitFor(2);
        await dropConnection(store);
        expect((await store.append(s, newEvents(2), 1)).nextRevision).toBe(3);
        const received = await recorder.expectExactly(4);
        expect(received.map((e) => e.revision)).toEqual([0, 1, 2, 3]);
        expect(await store.readStream(s)).toEqual(received);
      });
    }
  });
}
