import { randomUUID } from 'node:crypto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { Subscription } from 'rxjs';
import { ConcurrencyConflict } from '../../src/common/errors';
import { EsdbEventStore, type EsdbEventStoreOptions } from '../../src/event-store/esdb-event-store';
import type { NewEvent, RecordedEvent } from '../../src/event-store/event-store';
import { isTransportError } from '../../src/event-store/esdb-retry';
import { FakeEventStoreDb } from '../support/esdb-fake';

/** EsdbEventStore against the fake's injected faults, one fault at a time. */

const OPTIONS: EsdbEventStoreOptions = {
  appendTimeoutMs: 150,
  transportAttemptsMax: 6,
  transportBackoff: { initialMs: 20, maxMs: 100 },
  resubscribeAttemptsMax: 4,
  resubscribeBackoff: { initialMs: 20, maxMs: 50 },
};
const WAIT_MS = 5_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const newEvents = (count: number): NewEvent[] =>
  Array.from({ length: count }, (_, n) => ({
    id: randomUUID(),
    type: 'FaultTested',
    data: { n },
    metadata: { schemaVersion: 1, actor: 'faults', correlationId: 'c', causationId: 'c', source: 'api', recordedAt: '2024-01-01T00:00:00.000Z' },
  }));

async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${WAIT_MS} ms`);
    await sleep(5);
  }
}

describe('EsdbEventStore under faults', () => {
  let fake: FakeEventStoreDb;
  let store: EsdbEventStore;
  const subscriptions: Subscription[] = [];

  beforeEach(async () => {
    fake = await FakeEventStoreDb.start();
    store = EsdbEventStore.connect(fake.connectionString, OPTIONS);
  });

  afterEach(async () => {
    for (const s of subscriptions.splice(0)) s.unsubscribe();
    await store.close();
    await fake.stop();
  });

  it('retries an append after UNAVAILABLE and stores it once', async () => {
    const s = `faults-${randomUUID()}`;
    fake.failNextCalls(2, ['batchAppend']);
    const result = await store.append(s, newEvents(2), 'no_stream');
    expect(result.nextRevision).toBe(1);
    expect(store.stats().transportRetries).toBe(2);
    const stored = await store.readStream(s);
    expect(stored).toHaveLength(2);
    expect(result.position).toBe(stored[1]?.position);
  });

  it('times an unanswered append out, retries it, and the server recognises the retry', async () => {
    const s = `faults-${randomUUID()}`;
    await store.append(s, newEvents(1), 'no_stream');
    // The write lands at once but its answer is held past our timeout; the retry goes out after the hold is lifted.
    fake.delayAppends(400, 'after-write');
    setTimeout(() => fake.delayAppends(0), 100);
    const events = newEvents(2);
    const result = await store.append(s, events, 0);
    expect(store.stats().transportRetries).toBeGreaterThanOrEqual(1);
    const stored = await store.readStream(s);
    expect(stored.map((e) => e.id)).toEqual([expect.any(String), ...events.map((e) => e.id)]);
    expect(result).toEqual({ nextRevision: 2, position: stored[2]?.position });
  });

  it('gives up after its attempts while the server stays down, with a transport error, not a conflict', async () => {
    await store.headPosition(); // connected once
    await fake.crash();
    const outcome = await store.append(`faults-${randomUUID()}`, newEvents(1), 'no_stream').then(
      () => null,
      (error: unknown) => error,
    );
    expect(outcome).not.toBeNull();
    expect(outcome).not.toBeInstanceOf(ConcurrencyConflict);
    expect(isTransportError(outcome)).toBe(true);
    expect(store.stats().transportRetries).toBe((OPTIONS.transportAttemptsMax ?? 0) - 1);
  });

  it('resubscribes after drops mid-stream and delivers every event exactly once, in order', async () => {
    const s = `faults-${randomUUID()}`;
    const received: RecordedEvent[] = [];
    subscriptions.push(store.subscribeAll(await store.headPosition()).subscribe((e) => received.push(e)));
    await fake.waitForSubscriptions(1);
    let revision: number | 'no_stream' = 'no_stream';
    for (const code of [GrpcStatus.CANCELLED, GrpcStatus.UNAVAILABLE, GrpcStatus.CANCELLED] as const) {
      revision = (await store.append(s, newEvents(3), revision)).nextRevision;
      await fake.waitForSubscriptions(1);
      fake.dropSubscriptions(code);
      revision = (await store.append(s, newEvents(2), revision)).nextRevision;
    }
    await until(() => received.filter((e) => e.streamId === s).length >= 15, 'all 15 events delivered');
    await sleep(100);
    const mine = received.filter((e) => e.streamId === s);
    expect(mine.map((e) => e.revision)).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect(mine).toEqual(await store.readStream(s));
    expect(store.stats().resubscriptions).toBe(3);
  });

  it('does not resubscribe after an error that is an answer (a position inside a record)', async () => {
    const { position } = await store.append(`faults-${randomUUID()}`, newEvents(1), 'no_stream');
    let failure: unknown;
    subscriptions.push(store.subscribeAll(position + 1n).subscribe({ error: (error: unknown) => (failure = error) }));
    await until(() => failure !== undefined, 'the subscription errors');
    expect(String(failure)).toMatch(/invalid position/);
    expect(store.stats().resubscriptions).toBe(0);
  });

  it('errors a subscription once the server stays away longer than its resubscription budget', async () => {
    let failure: unknown;
    let completed = false;
    subscriptions.push(store.subscribeAll(0n).subscribe({ error: (error: unknown) => (failure = error), complete: () => (completed = true) }));
    await fake.waitForSubscriptions(1);
    await fake.crash();
    await until(() => failure !== undefined, 'the subscription gives up');
    expect(isTransportError(failure)).toBe(true);
    expect(completed).toBe(false);
    expect(store.stats().resubscriptions).toBe(OPTIONS.resubscribeAttemptsMax);
  });
});
