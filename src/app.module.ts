import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { AuditModule } from './audit/audit.module';
import { ClaimsModule } from './claims/claims.module';
import type { Clock } from './common/clock';
import { CommonModule } from './common/common.module';
import type { LedgerConfig } from './common/config';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { EncountersModule } from './encounters/encounters.module';
import { EventStoreModule } from './event-store/event-store.module';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { PatientsModule } from './patients/patients.module';
import { ProjectionsModule } from './projections/projections.module';

@Module({})
export class AppModule {
  static forRoot(config: LedgerConfig, clock?: Clock): DynamicModule {
    return {
      module: AppModule,
      imports: [CommonModule.forRoot(config, clock), EventStoreModule, ProjectionsModule, EncountersModule, ClaimsModule, PatientsModule, AuditModule],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
  }
}
