import path from 'node:path';
import type { LedgerConfig } from '../common/config';
import { systemClock } from '../common/clock';
import { digestFrom } from '../audit/audit-package';
import { openEventStore } from '../event-store/event-store.module';
import { GENESIS_HASH, HASH_ALGORITHM } from '../event-store/hash-chain';
import { exportSnapshot, type AuditDigestProvider, type ExportResult } from '../finance/snapshot-export';
import { parseSnapshotFormat } from '../finance/snapshot-export';
import { progressBar } from './progress';

export interface ExportCommand {
  asOf: string;
  out: string;
  format?: string;
  /** The audit chain's digest at the snapshot's position, once that capability is wired in. */
  auditDigest?: AuditDigestProvider;
}

/** `billing-ledger export`: a ledger snapshot as of an instant, into a directory, with a progress bar on stderr. */
export const exportLedger = async (config: LedgerConfig, command: ExportCommand): Promise<ExportResult> => {
  const format = parseSnapshotFormat(command.format);
  const store = openEventStore(config);
  try {
    const head = await store.headPosition();
    const bar = progressBar(`export as of ${command.asOf}`, Number(head));
    try {
      return await exportSnapshot(store, {
        asOf: command.asOf,
        format,
        outDir: path.resolve(command.out),
        now: systemClock.now(),
        onProgress: (position) => bar.update(Number(position)),
        auditDigest:
          command.auditDigest ??
          (async (position) => ({ algorithm: HASH_ALGORITHM, ...(await digestFrom(store, { position: 0n, digest: GENESIS_HASH }, position)) })),
      });
    } finally {
      bar.update(Number(head));
      bar.stop();
    }
  } finally {
    await store.close();
  }
};
