import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuditModule } from './audit/audit.module';
import { ClaimsModule } from './claims/claims.module';
import type { Clock } from './common/clock';
import { CommonModule } from './common/common.module';
import type { LedgerConfig } from './common/config';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { EncountersModule } from './encounters/encounters.module';
import { EventStoreModule } from './event-store/event-store.module';
import { FinanceModule } from './finance/finance.module';
import { LoggingModule, type LoggingOptions } from './logging/logging.module';
import { PatientBillingModule } from './patient-billing/patient-billing.module';
import { PatientsModule } from './patients/patients.module';
import { ProjectionsModule } from './projections/projections.module';
import { SecurityModule } from './security/security.module';
import { RemittancesModule } from './remittances/remittances.module';
import { ContractsModule } from './contracts/contracts.module';
import { ScrubbingModule } from './scrubbing/scrubbing.module';
import { WorklistsModule } from './worklists/worklists.module';

@Module({})
export class AppModule {
  static forRoot(config: LedgerConfig, clock?: Clock, logging: LoggingOptions = { level: 'info' }): DynamicModule {
    return {
      module: AppModule,
      imports: [CommonModule.forRoot(config, clock), LoggingModule.forRoot(logging), SecurityModule, EventStoreModule, ProjectionsModule, EncountersModule, ClaimsModule, PatientsModule, FinanceModule, AuditModule, RemittancesModule, ContractsModule, ScrubbingModule, WorklistsModule, PatientBillingModule],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
