import { Module } from '@nestjs/common';
import { FeeScheduleCommands } from './fee-schedule-commands';
import { FeeScheduleRepository } from './fee-schedule-repository';
import { FeeSchedulesController } from './fee-schedules.controller';

/** Payer contracts: fee schedules as events, and the repository claim pricing reads them through. */
@Module({ controllers: [FeeSchedulesController], providers: [FeeScheduleRepository, FeeScheduleCommands], exports: [FeeScheduleRepository, FeeScheduleCommands] })
export class ContractsModule {}
