import fs from 'node:fs';
import { buildAuditPackage, serializeAuditPackage, verifyAuditPackage, type PackageVerdict } from '../audit/audit-package';
import { verifyLedger, type VerifyReport } from '../audit/verify-ledger';
import type { LedgerConfig } from '../common/config';
import { NotFound } from '../common/errors';
import { openEventStore } from '../event-store/open-event-store';
import { progressBar } from './progress';

/** Recomputes every hash chain and the ledger digest, streaming, with a progress bar. */
export const verify = async (config: LedgerConfig, streamId?: string): Promise<VerifyReport> => {
  const store = openEventStore(config);
  try {
    if (streamId !== undefined) return await verifyLedger(store, { streamId });
    const head = await store.headPosition();
    const bar = progressBar('verify', Number(head));
    const report = await verifyLedger(store, { onProgress: (position) => bar.update(Number(position)) });
    bar.stop();
    return report;
  } finally {
    await store.close();
  }
};

export const describeVerifyReport = (report: VerifyReport): string[] => {
  if (report.ok) {
    return [
      `ok: ${report.eventsChecked} events in ${report.streamsChecked} streams, every chain intact`,
      ...(report.digest ? [`ledger digest at position ${report.digest.position}: ${report.digest.digest}`] : []),
    ];
  }
  const b = report.firstBroken;
  return [
    `BROKEN after ${report.eventsChecked} good events`,
    b ? `first broken link: stream ${b.streamId} revision ${b.revision} (position ${b.position}): ${b.field} expected ${b.expected}, found ${b.found}` : '',
  ].filter((l) => l !== '');
};

/** Writes a claim's audit package (the same as GET /claims/{id}/audit) to a file. */
export const exportAuditPackage = async (config: LedgerConfig, claimId: string, outFile: string, now: Date): Promise<string> => {
  const store = openEventStore(config);
  try {
    const report = await verifyLedger(store);
    if (!report.ok || !report.digest) throw new Error(`the ledger does not verify; run billing-ledger verify (${describeVerifyReport(report).join('; ')})`);
    const pkg = await buildAuditPackage(store, claimId, report.digest, now.toISOString());
    if (!pkg) throw new NotFound(`claim ${claimId} does not exist`);
    fs.writeFileSync(outFile, serializeAuditPackage(pkg));
    return pkg.packageHash;
  } finally {
    await store.close();
  }
};

export const verifyPackageFile = (file: string): PackageVerdict => verifyAuditPackage(fs.readFileSync(file, 'utf8'));
