import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { apiKeysFileOf, LEDGER_CONFIG, RATE_LIMIT_PER_SECOND_DEFAULT, type LedgerConfig } from '../common/config';
import { ApiKeyStore } from './api-keys';
import { AuthGuard } from './auth.guard';
import { PrincipalThrottlerGuard } from './principal-throttler.guard';
import { SlidingWindowStorage } from './sliding-window-storage';

/** Authentication, roles and rate limits for every route (request timeouts: request-timeout.ts). Guards run in this order: who, then how often. */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [LEDGER_CONFIG],
      useFactory: (config: LedgerConfig) => ({
        throttlers: [{ ttl: 1_000, limit: config.rateLimitPerSecond ?? RATE_LIMIT_PER_SECOND_DEFAULT }],
        storage: new SlidingWindowStorage(),
      }),
    }),
  ],
  providers: [
    { provide: ApiKeyStore, inject: [LEDGER_CONFIG], useFactory: (config: LedgerConfig) => new ApiKeyStore(apiKeysFileOf(config)) },
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: PrincipalThrottlerGuard },
  ],
  exports: [ApiKeyStore],
})
export class SecurityModule {}
