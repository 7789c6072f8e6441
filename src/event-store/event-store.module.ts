import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import path from 'node:path';
import fs from 'node:fs';
import { LEDGER_CONFIG, type LedgerConfig } from '../common/config';
import { EsdbEventStore } from './esdb-event-store';
import { EVENT_STORE, type EventStore } from './event-store';
import { SqliteEventStore } from './sqlite-event-store';

/** Opens the store the configuration names. The only place that knows which adapter runs. */
export const openEventStore = (config: LedgerConfig): EventStore => {
  switch (config.eventStore) {
    case 'sqlite':
      fs.mkdirSync(config.dataDir, { recursive: true });
      return SqliteEventStore.open(path.join(config.dataDir, 'events.sqlite'));
    case 'esdb':
      if (config.esdbConnectionString === undefined || config.esdbConnectionString === '') {
        throw new Error('EVENT_STORE=esdb needs EVENTSTORE_CONNECTION_STRING (e.g. esdb://localhost:2113?tls=false)');
      }
      // Connects lazily; the projections' first read at start fails fast if the server is unreachable.
      return EsdbEventStore.connect(config.esdbConnectionString);
  }
};

@Global()
@Module({
  providers: [{ provide: EVENT_STORE, inject: [LEDGER_CONFIG], useFactory: openEventStore }],
  exports: [EVENT_STORE],
})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
