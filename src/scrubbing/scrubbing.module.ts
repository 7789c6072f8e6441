import { Global, Module } from '@nestjs/common';
import { LEDGER_CONFIG, type LedgerConfig } from '../common/config';
import { ContractsModule } from '../contracts/contracts.module';
import { ScrubController } from './scrub.controller';
import { loadScrubRules } from './scrub-rules-file';
import { SCRUB_RULES, SubmissionChecks } from './submission-checks';

/**
 * The pre-submission gate: scrub rules (SCRUB_RULES_FILE, read once at start) and pricing.
 * Global, because claim commands run it on every submission and resubmission.
 */
@Global()
@Module({
  imports: [ContractsModule],
  controllers: [ScrubController],
  providers: [{ provide: SCRUB_RULES, inject: [LEDGER_CONFIG], useFactory: (config: LedgerConfig) => loadScrubRules(config.scrubRulesFile) }, SubmissionChecks],
  exports: [SubmissionChecks],
})
export class ScrubbingModule {}
