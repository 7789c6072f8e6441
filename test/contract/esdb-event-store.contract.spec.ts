import { EsdbEventStore, type EsdbEventStoreOptions } from '../../src/event-store/esdb-event-store';
import type { EventStore } from '../../src/event-store/event-store';
import { esdbTarget, FakeEventStoreDb } from '../support/esdb-fake';
import { eventStoreContract } from './event-store.contract';

/**
 * The contract, run against EsdbEventStore over real gRPC through the real client library: by
 * default on the in-process fake EventStoreDB (one per file; tests work in fresh streams), with
 * `npm run test:esdb` on the server EVENTSTORE_CONNECTION_STRING names.
 */

/** Short backoffs and timeouts: a test that recovers should recover within the contract's waits. */
const TEST_OPTIONS: EsdbEventStoreOptions = {
  appendTimeoutMs: 2_000,
  transportAttemptsMax: 10,
  transportBackoff: { initialMs: 20, maxMs: 200 },
  resubscribeBackoff: { initialMs: 20, maxMs: 200 },
};
/** How long the fake stays down when the contract drops the connection. */
const DOWNTIME_MS = 150;

const target = esdbTarget();
let fake: FakeEventStoreDb | null = null;
let recovering: Promise<void> | null = null;

const connectionString = async (): Promise<string> => {
  if (target.kind === 'real') return target.connectionString;
  fake ??= await FakeEventStoreDb.start();
  return fake.connectionString;
};

afterAll(async () => {
  await recovering;
  await fake?.stop();
});

eventStoreContract(
  `EsdbEventStore (${target.kind === 'real' ? 'EventStoreDB at EVENTSTORE_CONNECTION_STRING' : 'in-process fake EventStoreDB'})`,
  async () => {
    const store = EsdbEventStore.connect(await connectionString(), TEST_OPTIONS);
    return { store, cleanup: () => store.close() };
  },
  {
    reopen: async (store: EventStore) => {
      await store.close();
      return EsdbEventStore.connect(await connectionString(), TEST_OPTIONS);
    },
    // The fake can be killed: its node goes down (every connection and call dies) and comes back
    // DOWNTIME_MS later with its data. A real server cannot be restarted from here.
    ...(target.kind === 'fake' && {
      dropConnection: async () => {
        const server = fake;
        if (server === null) throw new Error('dropConnection before the fake started');
        await server.crash();
        recovering = new Promise((resolve) => setTimeout(resolve, DOWNTIME_MS)).then(() => server.recover());
      },
    }),
  },
);
