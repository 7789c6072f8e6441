import { Global, Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import path from 'node:path';
import { LEDGER_CONFIG, type LedgerConfig } from '../common/config';
import { EVENT_STORE, type EventStore } from '../event-store/event-store';
import { IdempotencyStore } from '../idempotency/idempotency-store';
import { ALL_PROJECTIONS } from './all-projections';
import { BalancesController } from './balances.controller';
import { ClaimQueriesController } from './claim-queries.controller';
import { HealthController } from './health.controller';
import { LedgerQueries } from './ledger-queries';
import { ProjectionRunner } from './projection-runner';
import { openReadDatabase, type ReadDatabase } from './read-store';

export const READ_DATABASE = Symbol('ReadDatabase');

@Global()
@Module({
  controllers: [ClaimQueriesController, BalancesController, HealthController],
  providers: [
    { provide: READ_DATABASE, inject: [LEDGER_CONFIG], useFactory: (c: LedgerConfig) => openReadDatabase(path.join(c.dataDir, 'read.sqlite')) },
    {
      provide: ProjectionRunner,
      inject: [EVENT_STORE, READ_DATABASE],
      useFactory: (store: EventStore, db: ReadDatabase) => new ProjectionRunner(store, db, ALL_PROJECTIONS),
    },
    { provide: LedgerQueries, inject: [READ_DATABASE, EVENT_STORE], useFactory: (db: ReadDatabase, store: EventStore) => new LedgerQueries(db, store) },
    { provide: IdempotencyStore, inject: [READ_DATABASE], useFactory: (db: ReadDatabase) => new IdempotencyStore(db) },
  ],
  exports: [ProjectionRunner, LedgerQueries, IdempotencyStore, READ_DATABASE],
})
export class ProjectionsModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(READ_DATABASE) private readonly db: ReadDatabase,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.runner.start();
  }

  onApplicationShutdown(): void {
    this.runner.stop();
    this.db.close();
  }
}
