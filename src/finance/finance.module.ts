import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { EVENT_STORE, type EventStore } from '../event-store/event-store';
import { READ_DATABASE } from '../projections/projections.module';
import type { ReadDatabase } from '../projections/read-store';
import { FinanceController } from './finance.controller';
import { FinanceQueries } from './finance-queries';

/** Finance: the journal (its projection is registered in all-projections), trial balance, aging and snapshots. */
@Module({
  imports: [AuditModule],
  controllers: [FinanceController],
  providers: [{ provide: FinanceQueries, inject: [READ_DATABASE, EVENT_STORE], useFactory: (db: ReadDatabase, store: EventStore) => new FinanceQueries(db, store) }],
  exports: [FinanceQueries],
})
export class FinanceModule {}
