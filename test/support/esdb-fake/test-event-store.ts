import type { EventStoreKind } from '../../../src/common/config';
import type { EventStore, Position } from '../../../src/event-store/event-store';
import { FakeEventStoreDb } from './fake-event-store-db';
import { esdbTarget } from './index';

/**
 * Which store the e2e app runs on. The `esdb` jest project sets BL_TEST_EVENT_STORE=esdb, and
 * each test app then gets its own in-process fake EventStoreDB (or, under `npm run test:esdb`,
 * the real server EVENTSTORE_CONNECTION_STRING names). Anything else: the embedded SQLite store.
 */
export const TEST_EVENT_STORE_ENV = 'BL_TEST_EVENT_STORE';

/** Events read per step when counting on a real server. */
const COUNT_PAGE_SIZE = 1_000;

export interface TestEventStore {
  kind: EventStoreKind;
  esdbConnectionString: string | undefined;
  /** Called once the app is up, with its store. */
  started(store: EventStore): Promise<void>;
  /** Events stored (SQLite: the head position, positions run 1..n; ESDB: counted, positions are log offsets). */
  eventCount(store: EventStore): Promise<number>;
  stop(): Promise<void>;
}

export async function openTestEventStore(env: NodeJS.ProcessEnv = process.env): Promise<TestEventStore> {
  if (env[TEST_EVENT_STORE_ENV] !== 'esdb') {
    return {
      kind: 'sqlite',
      esdbConnectionString: undefined,
      started: async () => undefined,
      eventCount: async (store) => Number(await store.headPosition()),
      stop: async () => undefined,
    };
  }
  const target = esdbTarget(env);
  if (target.kind === 'fake') {
    const fake = await FakeEventStoreDb.start();
    return {
      kind: 'esdb',
      esdbConnectionString: fake.connectionString,
      started: async () => undefined,
      // Counted by the server, not through the adapter under test.
      eventCount: async () => fake.stats().userEvents,
      stop: () => fake.stop(),
    };
  }
  // A real server is shared and not empty: count what was appended after the app started.
  let startHead: Position = 0n;
  return {
    kind: 'esdb',
    esdbConnectionString: target.connectionString,
    started: async (store) => {
      startHead = await store.headPosition();
    },
    eventCount: async (store) => {
      let count = 0;
      for (let after = startHead; ; ) {
        const page = await store.readAll(after, { maxCount: COUNT_PAGE_SIZE });
        count += page.length;
        const last = page[page.length - 1];
        if (last === undefined || page.length < COUNT_PAGE_SIZE) return count;
        after = last.position;
      }
    },
    stop: async () => undefined,
  };
}
