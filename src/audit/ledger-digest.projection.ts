import type { RecordedEvent } from '../event-store/event-store';
import { GENESIS_HASH, nextDigest } from '../event-store/hash-chain';
import type { Projection } from '../projections/projection';
import { statement, type ReadDatabase } from '../projections/read-store';

/** A stored digest every this many events; the digest at any position is at most this many hash steps away. */
export const DIGEST_CHECKPOINT_EVERY = 1_000;

/**
 * The running ledger digest, kept so "the whole ledger's hash at position P" needs no full
 * scan: the latest value, and one row every DIGEST_CHECKPOINT_EVERY events.
 */
export const ledgerDigestProjection: Projection = {
  name: 'ledger-digest',
  version: 1,
  handles: { has: () => true },

  setup(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ledger_digest_head (id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL, events INTEGER NOT NULL, digest TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS ledger_digest_checkpoints (position INTEGER PRIMARY KEY, events INTEGER NOT NULL, digest TEXT NOT NULL);
    `);
  },

  drop(db) {
    db.exec('DROP TABLE IF EXISTS ledger_digest_head; DROP TABLE IF EXISTS ledger_digest_checkpoints;');
  },

  apply(db: ReadDatabase, event: RecordedEvent) {
    const head = batchHead(db);
    head.events += 1;
    head.digest = nextDigest(head.digest, String(event.metadata.hash));
    head.position = event.position;
    if (head.events % DIGEST_CHECKPOINT_EVERY === 0) {
      statement(db, 'INSERT OR REPLACE INTO ledger_digest_checkpoints (position, events, digest) VALUES (?, ?, ?)').run(head.position, head.events, head.digest);
    }
  },

  endBatch(db) {
    const head = batches.get(db);
    if (head?.position !== undefined) {
      statement(db, 'INSERT OR REPLACE INTO ledger_digest_head (id, position, events, digest) VALUES (1, ?, ?, ?)').run(head.position, head.events, head.digest);
    }
    batches.delete(db);
  },

  abortBatch(db) {
    batches.delete(db);
  },
};

/** The running digest during a batch, read once at its start and written once at its end. */
const batches = new WeakMap<ReadDatabase, { position?: bigint; events: number; digest: string }>();
const batchHead = (db: ReadDatabase): { position?: bigint; events: number; digest: string } => {
  let head = batches.get(db);
  if (!head) {
    const row = statement(db, 'SELECT events, digest FROM ledger_digest_head WHERE id = 1').get() as { events: number; digest: string } | undefined;
    batches.set(db, (head = { events: row?.events ?? 0, digest: row?.digest ?? GENESIS_HASH }));
  }
  return head;
};

export interface DigestCheckpoint {
  position: bigint;
  events: number;
  digest: string;
}

/** The nearest stored digest at or before `position` (the genesis when none). */
export const digestCheckpointAtOrBefore = (db: ReadDatabase, position: bigint): DigestCheckpoint => {
  const head = statement(db, 'SELECT position, events, digest FROM ledger_digest_head WHERE id = 1 AND position <= ?')
    .safeIntegers(true)
    .get(position) as { position: bigint; events: bigint; digest: string } | undefined;
  const row =
    head ??
    (statement(db, 'SELECT position, events, digest FROM ledger_digest_checkpoints WHERE position <= ? ORDER BY position DESC LIMIT 1')
      .safeIntegers(true)
      .get(position) as { position: bigint; events: bigint; digest: string } | undefined);
  return row ? { position: row.position, events: Number(row.events), digest: row.digest } : { position: 0n, events: 0, digest: GENESIS_HASH };
};
