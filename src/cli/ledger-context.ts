import type { INestApplicationContext } from '@nestjs/common';
import type { Clock } from '../common/clock';
import type { LedgerConfig } from '../common/config';

/**
 * The whole ledger as a Nest application context, for the commands that run its services. Loaded
 * when such a command runs: NestJS and every feature module are most of the CLI's startup, which
 * the commands that only read the store (verify, export, replay, rebuild, keys) do without.
 */
export const openLedgerContext = async (config: LedgerConfig, clock?: Clock): Promise<INestApplicationContext> => {
  const [{ NestFactory }, { AppModule }] = await Promise.all([import('@nestjs/core'), import('../app.module')]);
  return NestFactory.createApplicationContext(AppModule.forRoot(config, clock), { logger: ['error', 'warn'] });
};
