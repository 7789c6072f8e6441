import assert from 'node:assert/strict';
import path from 'node:path';
import type { LedgerConfig } from '../common/config';
import { systemClock } from '../common/clock';
import { openEventStore } from '../event-store/open-event-store';
import type { Position, RecordedEvent } from '../event-store/event-store';
import { GENESIS_HASH, HASH_ALGORITHM, nextDigest } from '../event-store/hash-chain';
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

/**
 * The ledger digest computed on the replay's own read of the log (instead of reading it all again):
 * every event read is chained, and the digest is kept as it stood at the last event that counted,
 * which is the snapshot's position.
 */
const digestAlongReplay = () => {
  let running = GENESIS_HASH;
  let atCounted: { position: Position; digest: string } = { position: 0n, digest: GENESIS_HASH };
  return {
    onRead: (event: RecordedEvent, counted: boolean): void => {
      running = nextDigest(running, String(event.metadata.hash));
      if (counted) atCounted = { position: event.position, digest: running };
    },
    at: (position: Position): { position: string; digest: string } => {
      assert.equal(position, atCounted.position, 'the snapshot position is the last event the replay counted');
      return { position: String(position), digest: atCounted.digest };
    },
  };
};

/** `billing-ledger export`: a ledger snapshot as of an instant, into a directory, with a progress bar on stderr. */
export const exportLedger = async (config: LedgerConfig, command: ExportCommand): Promise<ExportResult> => {
  const format = parseSnapshotFormat(command.format);
  const store = openEventStore(config);
  try {
    const head = await store.headPosition();
    const bar = progressBar(`export as of ${command.asOf}`, Number(head));
    try {
      const alongReplay = digestAlongReplay();
      return await exportSnapshot(store, {
        asOf: command.asOf,
        format,
        outDir: path.resolve(command.out),
        now: systemClock.now(),
        onProgress: (position) => bar.update(Number(position)),
        onRead: alongReplay.onRead,
        auditDigest:
          command.auditDigest ??
          (async (position) => ({ algorithm: HASH_ALGORITHM, ...alongReplay.at(position) })),
      });
    } finally {
      bar.update(Number(head));
      bar.stop();
    }
  } finally {
    await store.close();
  }
};
