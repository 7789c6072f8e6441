import type { Command } from 'commander';
import fs from 'node:fs';
import type { LedgerConfig } from '../common/config';
import { loadConfig } from '../common/config';
import { openEventStore } from '../event-store/open-event-store';
import { export837 } from '../remittances/claim-export';

/** Writes a claim's 837P (005010X222A1) to a file or stdout; returns what was built. */
export const export837Claim = async (config: LedgerConfig, claimId: string, out: string | undefined, createdAt: string) => {
  const store = openEventStore(config);
  try {
    const built = await export837(store, claimId, createdAt);
    if (out === undefined) process.stdout.write(built.text);
    else fs.writeFileSync(out, built.text);
    return built;
  } finally {
    await store.close();
  }
};

export const registerExport837 = (program: Command): void => {
  program
    .command('export-837')
    .description('write a claim as an X12 837P (005010X222A1): frequency 1, 7 (replacement) or 8 (void) with REF*F8')
    .requiredOption('--claim <id>', 'the claim id')
    .option('--out <file>', 'where to write it (default: stdout)')
    .action(async (options: { claim: string; out?: string }) => {
      const built = await export837Claim(loadConfig(), options.claim, options.out, new Date().toISOString());
      if (options.out !== undefined) {
        console.log(
          `wrote ${options.out}: claim ${built.claimId}, frequency ${built.frequencyCode}${built.payerClaimControlNumber ? ` (REF*F8 ${built.payerClaimControlNumber})` : ''}, CLM02 ${(built.totalChargeCents / 100).toFixed(2)}, ${built.transactionSegmentCount} segments ST–SE`,
        );
      }
    });
};
