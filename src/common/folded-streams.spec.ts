import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { EventMetadata } from './event';
import type { EventStore, ReadStreamOptions, RecordedEvent } from '../event-store/event-store';
import { SqliteEventStore } from '../event-store/sqlite-event-store';
import { FoldedStreams } from './folded-streams';
import { LruMap } from './lru-map';

type Counted = { type: 'Counted'; data: { n: number } };
const sum = (state: number, event: Counted): number => state + event.data.n;
const metadata = (idempotencyKey: string): EventMetadata => ({
  schemaVersion: 1,
  actor: 'spec',
  correlationId: 'c',
  causationId: 'c',
  source: 'cli',
  recordedAt: '2025-01-01T00:00:00.000Z',
  idempotencyKey,
});

describe('FoldedStreams', () => {
  let dir: string;
  let stores: SqliteEventStore[];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bl-folded-'));
    stores = [];
  });
  afterEach(async () => {
    for (const store of stores) await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const open = (): SqliteEventStore => {
    const store = SqliteEventStore.open(path.join(dir, 'events.sqlite'));
    stores.push(store);
    return store;
  };
  const append = (store: EventStore, n: number, expected: number): Promise<unknown> =>
    store.append('s-1', [{ id: randomUUID(), type: 'Counted', data: { n }, metadata: metadata(`k-${n}`) }], expected < 0 ? 'no_stream' : expected);

  it('reads only events past the folded revision, including those another process appended', async () => {
    const store = open();
    const reads: Array<number | undefined> = [];
    const counting = Object.create(store, {
      readStream: {
        value: (streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> => {
          reads.push(options?.fromRevision);
          return store.readStream(streamId, options);
        },
      },
    }) as EventStore;
    const folds = new FoldedStreams();
    expect(await folds.load(counting, 's-1', 0, sum)).toEqual({ state: 0, revision: -1, idempotencyKeys: new Set() });
    await append(store, 1, -1);
    await append(open(), 2, 0);
    expect(await folds.load(counting, 's-1', 0, sum)).toEqual({ state: 3, revision: 1, idempotencyKeys: new Set(['k-1', 'k-2']) });
    await append(open(), 4, 1);
    expect(await folds.load(counting, 's-1', 0, sum)).toMatchObject({ state: 7, revision: 2 });
    expect(reads).toEqual([0, 0, 2]);
  });

  it('folds afresh a stream cached under another fold, and forgets the least recently used', async () => {
    const store = open();
    await append(store, 5, -1);
    const folds = new FoldedStreams(1);
    expect((await folds.load(store, 's-1', 0, sum)).state).toBe(5);
    const count = (state: number): number => state + 1;
    expect((await folds.load(store, 's-1', 0, count)).state).toBe(1);
    expect((await folds.load(store, 's-2', 0, sum)).revision).toBe(-1);
  });
});

describe('LruMap', () => {
  it('drops the least recently used entry past its capacity', () => {
    const map = new LruMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).toBe(1);
    map.set('c', 3);
    expect([map.get('a'), map.get('b'), map.get('c'), map.size]).toEqual([1, undefined, 3, 2]);
  });
});
