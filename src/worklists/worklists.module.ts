import { Module } from '@nestjs/common';
import { READ_DATABASE } from '../projections/projections.module';
import type { ReadDatabase } from '../projections/read-store';
import { UnderpaymentQueries } from './underpayment-queries';
import { WorklistsController } from './worklists.controller';

/** Worklists over the projections: the underpayment worklist (the projection itself is registered in ALL_PROJECTIONS). */
@Module({
  controllers: [WorklistsController],
  providers: [{ provide: UnderpaymentQueries, inject: [READ_DATABASE], useFactory: (db: ReadDatabase) => new UnderpaymentQueries(db) }],
})
export class WorklistsModule {}
