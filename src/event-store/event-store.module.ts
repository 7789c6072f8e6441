import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { LEDGER_CONFIG } from '../common/config';
import { EVENT_STORE, type EventStore } from './event-store';
import { openEventStore } from './open-event-store';

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
