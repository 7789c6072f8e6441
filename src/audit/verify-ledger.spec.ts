import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { EventMetadata } from '../common/event';
import { SqliteEventStore } from '../event-store/sqlite-event-store';
import { verifyLedger } from './verify-ledger';

const metadata: EventMetadata = { schemaVersion: 1, actor: 'spec', correlationId: 'c', causationId: 'c', source: 'cli', recordedAt: '2025-01-01T00:00:00.000Z' };

/** Twelve streams of four events each, appended round-robin so every stream's events are far apart. */
const STREAMS = 12;
const REVISIONS = 4;

describe('verifyLedger with fewer stream heads in memory than streams', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bl-verify-'));
    file = path.join(dir, 'events.sqlite');
    const store = SqliteEventStore.open(file);
    for (let revision = 0; revision < REVISIONS; revision++) {
      for (let s = 0; s < STREAMS; s++) {
        await store.append(`s-${s}`, [{ id: randomUUID(), type: 'Specified', data: { s, revision }, metadata }], revision === 0 ? 'no_stream' : revision - 1);
      }
    }
    await store.close();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const bothWays = async (): Promise<unknown[]> => {
    const store = SqliteEventStore.open(file);
    try {
      return [await verifyLedger(store), await verifyLedger(store, { headsMax: 2 })];
    } finally {
      await store.close();
    }
  };
  const tamper = (sql: string): void => {
    const db = new Database(file);
    db.prepare(sql).run();
    db.close();
  };

  it('reports the same intact ledger, stream count and digest', async () => {
    const [all, few] = await bothWays();
    expect(all).toMatchObject({ ok: true, eventsChecked: STREAMS * REVISIONS, streamsChecked: STREAMS });
    expect(few).toEqual(all);
  });

  it.each([
    ['an edited event', "UPDATE events SET data = replace(data, '\"s\":5', '\"s\":50') WHERE stream_id = 's-5' AND revision = 2", { streamId: 's-5', revision: 2, field: 'hash' }],
    ['a deleted event', "DELETE FROM events WHERE stream_id = 's-7' AND revision = 1", { streamId: 's-7', revision: 2, field: 'revision', expected: '1', found: '2' }],
    ['a relinked event', "UPDATE events SET metadata = replace(metadata, '\"prevHash\":\"', '\"prevHash\":\"0') WHERE stream_id = 's-3' AND revision = 3", { streamId: 's-3', revision: 3, field: 'prevHash' }],
  ])('reports the same first broken link for %s', async (_what, sql, broken) => {
    tamper(sql);
    const [all, few] = await bothWays();
    expect(all).toMatchObject({ ok: false, firstBroken: broken });
    expect(few).toEqual(all);
  });
});
