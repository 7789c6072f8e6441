import type { Command } from 'commander';
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { LedgerConfig } from '../common/config';
import { loadConfig } from '../common/config';
import type { ImportReport } from '../remittances/remittance-import';
import { openLedgerContext } from './ledger-context';

const money = (cents: number): string => `${cents < 0 ? '-' : ''}$${(Math.abs(cents) / 100).toFixed(2)}`;

/**
 * Imports 835 files through the real importer, one file at a time: each file is all or nothing
 * on its own (or --partial), and a file imported before posts nothing again.
 */
export const import835Files = async (
  config: LedgerConfig,
  files: readonly string[],
  options: { partial: boolean; actor: string },
): Promise<Array<{ file: string; report: ImportReport }>> => {
  const app = await openLedgerContext(config);
  try {
    const { RemittanceImporter } = await import('../remittances/remittance-import');
    const importer = app.get(RemittanceImporter);
    const results: Array<{ file: string; report: ImportReport }> = [];
    for (const file of files) {
      const commandId = randomUUID();
      const report = await importer.import(fs.readFileSync(file, 'utf8'), {
        partial: options.partial,
        context: { actor: options.actor, correlationId: commandId, commandId, source: 'import' },
      });
      results.push({ file, report });
    }
    return results;
  } finally {
    await app.close();
  }
};

/** The report in lines a biller reads: each claim, its outcome and balances; each problem with its segment. */
export const describeImport = (file: string, report: ImportReport): string[] => {
  const lines = [`${file}: ${report.status.replace(/_/g, ' ')} (${report.appendedEvents} events appended)`];
  for (const t of report.transactions) {
    lines.push(
      `  payment ${t.traceNumber || '(no TRN02)'}: ${money(t.paidCents)} for ${t.claimCount} claim(s)${t.providerAdjustmentCents !== 0 ? `, provider adjustments ${money(t.providerAdjustmentCents)}` : ''}${t.accepted ? '' : ' — not posted'}`,
    );
  }
  for (const c of report.claims) {
    const balances = c.balances
      ? ` → ${c.claimStatus}; paid ${money(c.balances.payerPaidCents)}, adjusted ${money(c.balances.contractualAdjustmentCents)}, patient owes ${money(c.balances.patientBalanceCents)}, balance ${money(c.balances.balanceCents)}`
      : '';
    lines.push(`  claim ${c.claimId} (CLP02 ${c.statusCode}, segment ${c.segment}): ${c.outcome.replace(/_/g, ' ')}${c.events.length > 0 ? ` [${c.events.join(', ')}]` : ''}${balances}`);
  }
  for (const p of report.problems) lines.push(`  problem at segment ${p.position.segment} (${p.position.tag}): ${p.code} ${p.message}`);
  for (const w of report.warnings) lines.push(`  warning at segment ${w.position.segment} (${w.position.tag}): ${w.code} ${w.message}`);
  return lines;
};

/** Exit codes: 0 imported (or nothing new), 1 a file was rejected, 2 --partial left claims unposted. */
export const registerImport835 = (program: Command): void => {
  program
    .command('import-835')
    .description('import X12 835 remittance advice files: each all or nothing (or --partial); a re-import posts nothing')
    .argument('<files...>', '835 files')
    .option('--partial', 'post the claims that pass and report the rest')
    .option('--actor <name>', 'who is importing (recorded on every event)', 'import-835')
    .option('--json', 'print the import reports as JSON')
    .action(async (files: string[], options: { partial?: boolean; actor: string; json?: boolean }) => {
      const results = await import835Files(loadConfig(), files, { partial: options.partial === true, actor: options.actor });
      if (options.json) console.log(JSON.stringify(results, null, 2));
      else for (const { file, report } of results) for (const line of describeImport(file, report)) console.log(line);
      if (results.some((r) => r.report.status === 'rejected')) process.exitCode = 1;
      else if (results.some((r) => r.report.status === 'partially_imported')) process.exitCode = 2;
    });
};
