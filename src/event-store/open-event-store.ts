import fs from 'node:fs';
import path from 'node:path';
import type { LedgerConfig } from '../common/config';
import type { EventStore } from './event-store';
import { SqliteEventStore } from './sqlite-event-store';

/**
 * Opens the store the configuration names. The only place that knows which adapter runs. The
 * EventStoreDB client (gRPC) is loaded only when it is the one configured.
 */
export const openEventStore = (config: LedgerConfig): EventStore => {
  switch (config.eventStore) {
    case 'sqlite':
      fs.mkdirSync(config.dataDir, { recursive: true });
      return SqliteEventStore.open(path.join(config.dataDir, 'events.sqlite'));
    case 'esdb': {
      if (config.esdbConnectionString === undefined || config.esdbConnectionString === '') {
        throw new Error('EVENT_STORE=esdb needs EVENTSTORE_CONNECTION_STRING (e.g. esdb://localhost:2113?tls=false)');
      }
      const { EsdbEventStore } = require('./esdb-event-store') as typeof import('./esdb-event-store');
      // Connects lazily; the projections' first read at start fails fast if the server is unreachable.
      return EsdbEventStore.connect(config.esdbConnectionString);
    }
  }
};
