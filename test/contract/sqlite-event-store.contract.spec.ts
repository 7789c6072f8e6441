import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EventStore } from '../../src/event-store/event-store';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store';
import { eventStoreContract } from './event-store.contract';

/** Each store's file, so `reopen` opens the same one and `cleanup` closes every store on it. */
const files = new Map<EventStore, { filePath: string; opened: SqliteEventStore[] }>();

// No dropConnection: an embedded store has no connection that can drop.
eventStoreContract(
  'SqliteEventStore',
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bl-'));
    const filePath = path.join(dir, 'events.sqlite');
    const store = SqliteEventStore.open(filePath);
    const entry = { filePath, opened: [store] };
    files.set(store, entry);
    return {
      store,
      cleanup: async () => {
        for (const s of entry.opened) await s.close();
        files.delete(store);
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  {
    reopen: async (store) => {
      const entry = files.get(store);
      if (entry === undefined) throw new Error('reopen: not a store made by this spec');
      await store.close();
      const reopened = SqliteEventStore.open(entry.filePath);
      entry.opened.push(reopened);
      return reopened;
    },
  },
);
