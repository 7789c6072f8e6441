import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { LedgerConfig } from '../common/config';
import { loadConfig } from '../common/config';
import { DuplicateId, InvalidInput } from '../common/errors';
import { FEE_SCHEDULE_CSV_BYTES_MAX, parseFeeScheduleCsv } from '../contracts/fee-schedule-csv';
import type { FeeScheduleSummary } from '../contracts/fee-schedule-view';
import { openLedgerContext } from './ledger-context';

export interface LoadFeeScheduleOptions {
  payerId: string;
  file: string;
  effectiveFrom: string;
  effectiveTo?: string;
  scheduleId?: string;
  actor: string;
}

/**
 * Reads a fee schedule CSV and loads it for the payer through the same command the API uses.
 * The file is parsed before the ledger is opened: a bad file appends nothing.
 */
export const loadFeeScheduleFile = async (config: LedgerConfig, options: LoadFeeScheduleOptions): Promise<FeeScheduleSummary> => {
  const size = fs.statSync(options.file).size;
  if (size > FEE_SCHEDULE_CSV_BYTES_MAX) throw new InvalidInput(`${options.file} is larger than ${FEE_SCHEDULE_CSV_BYTES_MAX} bytes`);
  const { rows, modifierRules } = parseFeeScheduleCsv(fs.readFileSync(options.file, 'utf8'));
  const app = await openLedgerContext(config);
  const { FeeScheduleCommands } = await import('../contracts/fee-schedule-commands');
  try {
    const commandId = randomUUID();
    return await app.get(FeeScheduleCommands).load(
      {
        payerId: options.payerId,
        effectiveFrom: options.effectiveFrom,
        rows,
        modifierRules,
        sourceName: path.basename(options.file),
        loadedAt: new Date().toISOString(),
        ...(options.effectiveTo !== undefined && { effectiveTo: options.effectiveTo }),
        ...(options.scheduleId !== undefined && { scheduleId: options.scheduleId }),
      },
      { actor: options.actor, correlationId: commandId, commandId, source: 'cli' },
    );
  } finally {
    await app.close();
  }
};

/** Exit codes: 0 loaded, 1 the file or the options were refused (each problem printed with its line). */
export const registerLoadFeeSchedule = (program: Command): void => {
  program
    .command('load-fee-schedule')
    .description("load a payer's fee schedule from a CSV file (docs/contracts-and-scrubbing.md); claims priced before keep their expectations")
    .argument('<file>', 'the fee schedule CSV: kind,procedure_code,modifier,amount,units_policy')
    .requiredOption('--payer <id>', 'the payer the schedule belongs to')
    .requiredOption('--effective-from <date>', 'first date of service it prices (YYYY-MM-DD)')
    .option('--effective-to <date>', 'last date of service it prices (inclusive); default open-ended')
    .option('--id <scheduleId>', 'the schedule id; default the effective date')
    .option('--actor <name>', 'who is loading it (recorded on the event)', 'load-fee-schedule')
    .action(async (file: string, options: { payer: string; effectiveFrom: string; effectiveTo?: string; id?: string; actor: string }) => {
      try {
        const summary = await loadFeeScheduleFile(loadConfig(), {
          payerId: options.payer,
          file,
          effectiveFrom: options.effectiveFrom,
          actor: options.actor,
          ...(options.effectiveTo !== undefined && { effectiveTo: options.effectiveTo }),
          ...(options.id !== undefined && { scheduleId: options.id }),
        });
        console.log(
          `loaded fee schedule ${summary.scheduleId} for ${summary.payerId}: ${summary.rowCount} rows, ${summary.modifierRules.length} modifier rules, in force ${summary.effectiveFrom} to ${summary.effectiveTo ?? 'further notice'}`,
        );
      } catch (error) {
        if (!(error instanceof InvalidInput) && !(error instanceof DuplicateId)) throw error;
        console.error(`${file}: ${error.message}`);
        if (error instanceof InvalidInput) for (const e of error.errors) console.error(`  ${e.field}: ${e.message}`);
        process.exitCode = 1;
      }
    });
};
