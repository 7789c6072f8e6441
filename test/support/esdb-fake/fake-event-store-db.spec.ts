import { randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  MaxAppendSizeExceededError,
  START,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type Position,
} from '@eventstore/db-client';
import { FakeEventStoreDb } from './fake-event-store-db';

/**
 * The fake holds EventStoreDB's semantics for what the adapter uses, checked here through the
 * real client: feature discovery and both append paths, expected-revision answers and the
 * server's own idempotency (including its bounded window under `any`), `$all` with system
 * events, exclusive subscription starts, filters, checkpoints, caught-up, 100-ns ticks, errors
 * in trailers, and the faults it injects.
 */

const event = (n = 0, id: string = randomUUID()) => jsonEvent({ id, type: 'FakeTested', data: { n }, metadata: { m: n } });
const stream = (): string => `fake-${randomUUID()}`;

async function collect<T>(read: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of read) out.push(item);
  return out;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe.each([
  ['BatchAppend', true],
  ['Append', false],
])('fake EventStoreDB over %s', (_path, batchAppend) => {
  let fake: FakeEventStoreDb;
  let client: EventStoreDBClient;

  beforeAll(async () => {
    fake = await FakeEventStoreDb.start({ batchAppend, systemEventEveryWrites: 2 });
    client = EventStoreDBClient.connectionString(fake.connectionString);
  });

  afterAll(async () => {
    await client.dispose();
    await fake.stop();
  });

  it('is discovered through ServerFeatures and takes appends on the advertised path', async () => {
    const before = fake.stats();
    await client.appendToStream(stream(), [event()], { expectedRevision: 'no_stream' });
    const after = fake.stats();
    expect(after.featureCalls).toBeGreaterThanOrEqual(1);
    expect(after.batchAppendRequests - before.batchAppendRequests).toBe(batchAppend ? 1 : 0);
    expect(after.appendCalls - before.appendCalls).toBe(batchAppend ? 0 : 1);
  });

  it('answers each expected revision as the server does, with the current and expected revision', async () => {
    const s = stream();
    const written = await client.appendToStream(s, [event(0), event(1)], { expectedRevision: 'no_stream' });
    expect(written.nextExpectedRevision).toBe(1n);
    for (const [expectedRevision, expected] of [
      ['no_stream', 'no_stream'],
      [0n, 0n],
      [5n, 5n],
    ] as const) {
      const error = await failure(client.appendToStream(s, [event()], { expectedRevision }));
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamName: s, expectedVersion: expected, actualVersion: 1n });
    }
    const missing = await failure(client.appendToStream(stream(), [event()], { expectedRevision: 'stream_exists' }));
    expect(missing).toMatchObject({ actualVersion: 'no_stream', expectedVersion: 'stream_exists' });
    expect((await client.appendToStream(s, [event()], { expectedRevision: 'stream_exists' })).nextExpectedRevision).toBe(2n);
  });

  it('recognises a retry by its ids at its revision and answers with the original position', async () => {
    const s = stream();
    await client.appendToStream(s, [event()], { expectedRevision: 'no_stream' });
    const events = [event(1), event(2)];
    const first = await client.appendToStream(s, events, { expectedRevision: 0n });
    await client.appendToStream(s, [event(3)], { expectedRevision: 2n });
    const retry = await client.appendToStream(s, events, { expectedRevision: 0n });
    expect(retry.nextExpectedRevision).toBe(2n);
    expect(retry.position).toEqual(first.position);
    // Same ids, but the first one is not at revision 0: not a retry of that append.
    expect(await failure(client.appendToStream(s, events, { expectedRevision: 'no_stream' }))).toBeInstanceOf(WrongExpectedVersionError);
    // Part of it stored, part not (corrupted idempotency): a wrong expected version.
    expect(await failure(client.appendToStream(s, [events[0]!, event(9)], { expectedRevision: 0n }))).toBeInstanceOf(WrongExpectedVersionError);
    expect(await collect(client.readStream(s))).toHaveLength(4);
  });

  it('reads a stream both ways, and a missing stream as StreamNotFound', async () => {
    const s = stream();
    await client.appendToStream(s, [event(0), event(1), event(2)], { expectedRevision: 'no_stream' });
    expect((await collect(client.readStream(s, { fromRevision: 1n, direction: FORWARDS }))).map((e) => e.event?.revision)).toEqual([1n, 2n]);
    expect((await collect(client.readStream(s, { fromRevision: END, direction: BACKWARDS, maxCount: 2 }))).map((e) => e.event?.revision)).toEqual([2n, 1n]);
    expect(await failure(collect(client.readStream(stream())))).toBeInstanceOf(StreamNotFoundError);
  });

  it('interleaves its own system events in $all and gives each event its commit position and 100-ns created ticks', async () => {
    const s = stream();
    const before = Date.now();
    await client.appendToStream(s, [event(0)], { expectedRevision: 'no_stream' });
    await client.appendToStream(s, [event(1)], { expectedRevision: 0n });
    const all = await collect(client.readAll({ fromPosition: START }));
    const streams = all.map((e) => e.event?.streamId ?? '');
    expect(streams.some((name) => name.startsWith('$'))).toBe(true);
    const positions = all.map((e) => e.event?.position?.commit ?? -1n);
    positions.forEach((p, i) => i > 0 && expect(p > (positions[i - 1] as bigint)).toBe(true));
    expect(positions[0]).toBeGreaterThan(0n); // the log starts with its epoch record
    const mine = all.filter((e) => e.event?.streamId === s);
    const [first] = await collect(client.readStream(s));
    expect(first?.event?.position?.commit).toBe(mine[0]?.event?.position?.commit);
    expect(first?.event?.created.getTime()).toBeGreaterThanOrEqual(before - 1);
    const ticks = fake.log.readAll('start', 'forwards', Number.MAX_SAFE_INTEGER, (e) => e.streamId === s).map((e) => e.createdTicks);
    expect(ticks.every((t) => t / 10_000n >= BigInt(before) && t / 10_000n <= BigInt(Date.now()))).toBe(true);
  });

  it('refuses to read $all from a position inside a record', async () => {
    const { position } = await client.appendToStream(stream(), [event()], { expectedRevision: 'no_stream' });
    const inside = { commit: (position as Position).commit + 1n, prepare: (position as Position).commit + 1n };
    expect(String(await failure(collect(client.readAll({ fromPosition: inside }))))).toMatch(/invalid position/);
  });

  it('starts a subscription after its position, filters, checkpoints, and says when it caught up', async () => {
    const s = stream();
    const { position } = await client.appendToStream(s, [event(0), event(1)], { expectedRevision: 'no_stream' });
    const checkpoints: Position[] = [];
    const subscription = client.subscribeToAll({
      fromPosition: position as Position,
      filter: streamNameFilter({ regex: '^[^$]', maxSearchWindow: 1, checkpointReached: (_s, p) => void checkpoints.push(p) }),
    });
    const received: AllStreamResolvedEvent[] = [];
    let caughtUp = false;
    subscription.on('data', (e: AllStreamResolvedEvent) => received.push(e));
    subscription.on('caughtUp', () => (caughtUp = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual([]); // exclusive of its start: event 1 is not sent again
    expect(caughtUp).toBe(true);
    await client.appendToStream(s, [event(2), event(3)], { expectedRevision: 1n });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received.map((e) => e.event?.revision)).toEqual([2n, 3n]);
    expect(received.every((e) => !e.event?.streamId.startsWith('$'))).toBe(true);
    expect(checkpoints.length).toBeGreaterThanOrEqual(2);
    await subscription.unsubscribe();
  });

  it('puts errors in trailers: an append over the size limit', async () => {
    const small = await FakeEventStoreDb.start({ batchAppend: false, maxAppendSizeBytes: 64 });
    const other = EventStoreDBClient.connectionString(small.connectionString);
    try {
      const error = await failure(other.appendToStream(stream(), [jsonEvent({ type: 'Big', data: { text: 'x'.repeat(100) } })]));
      expect(error).toBeInstanceOf(MaxAppendSizeExceededError);
    } finally {
      await other.dispose();
      await small.stop();
    }
  });

  it('fails calls UNAVAILABLE on demand and keeps its log across a restart', async () => {
    const s = stream();
    await client.appendToStream(s, [event()], { expectedRevision: 'no_stream' });
    fake.failNextCalls(1, ['read']);
    expect(await failure(collect(client.readStream(s)))).toBeInstanceOf(UnavailableError);
    await fake.restart(20);
    // The first call after a restart may meet the dead channel; the client reconnects on the next.
    await collect(client.readStream(s)).catch(() => undefined);
    expect(await collect(client.readStream(s))).toHaveLength(1);
  });
});

describe('fake EventStoreDB idempotency under any', () => {
  it('only recognises a retry under any while the ids are in its bounded cache, as EventStoreDB', async () => {
    const fake = await FakeEventStoreDb.start({ committedEventsCacheSize: 2 });
    const client = EventStoreDBClient.connectionString(fake.connectionString);
    try {
      const s = stream();
      const old = event(0);
      await client.appendToStream(s, [old], { expectedRevision: 'any' });
      expect((await client.appendToStream(s, [old], { expectedRevision: 'any' })).nextExpectedRevision).toBe(0n);
      await client.appendToStream(s, [event(1), event(2)], { expectedRevision: 'any' }); // pushes `old` out of the cache
      await client.appendToStream(s, [old], { expectedRevision: 'any' });
      expect((await collect(client.readStream(s))).map((e) => e.event?.id)).toEqual([old.id, expect.any(String), expect.any(String), old.id]);
    } finally {
      await client.dispose();
      await fake.stop();
    }
  });
});
