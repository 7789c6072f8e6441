import type { EventStore, Position, RecordedEvent } from '../event-store/event-store';
import { eventHash, GENESIS_HASH, nextDigest } from '../event-store/hash-chain';

/** The first link that does not hold: where, and what the chain expected against what is stored. */
export interface BrokenLink {
  streamId: string;
  revision: number;
  position: string;
  field: 'hash' | 'prevHash' | 'revision';
  expected: string;
  found: string;
}

export interface VerifyReport {
  ok: boolean;
  eventsChecked: number;
  streamsChecked: number;
  /** The ledger digest at the last event read (whole-ledger runs only). */
  digest?: { position: string; digest: string };
  firstBroken?: BrokenLink;
}

export const VERIFY_PAGE_SIZE = 1_000;

/** Checks one event against the link before it; returns the broken link or null. */
export const checkLink = (event: RecordedEvent, previous: { revision: number; hash: string } | undefined): BrokenLink | null => {
  const at = { streamId: event.streamId, revision: event.revision, position: String(event.position) };
  const expectedRevision = previous === undefined ? 0 : previous.revision + 1;
  if (event.revision !== expectedRevision) {
    return { ...at, field: 'revision', expected: String(expectedRevision), found: String(event.revision) };
  }
  const expectedPrev = previous?.hash ?? GENESIS_HASH;
  const foundPrev = String(event.metadata.prevHash ?? '(none)');
  if (foundPrev !== expectedPrev) return { ...at, field: 'prevHash', expected: expectedPrev, found: foundPrev };
  const computed = eventHash({ ...event, metadata: event.metadata as unknown as Record<string, unknown> });
  const foundHash = String(event.metadata.hash ?? '(none)');
  if (foundHash !== computed) return { ...at, field: 'hash', expected: computed, found: foundHash };
  return null;
};

/**
 * Recomputes every stream's chain and the ledger digest, streaming the whole log in pages.
 * With `streamId`, checks that one stream only. Stops at the first broken link.
 */
export const verifyLedger = async (
  store: EventStore,
  options: { streamId?: string; onProgress?: (position: Position) => void } = {},
): Promise<VerifyReport> => {
  if (options.streamId !== undefined) {
    const events = await store.readStream(options.streamId);
    let previous: { revision: number; hash: string } | undefined;
    for (const event of events) {
      const broken = checkLink(event, previous);
      if (broken) return { ok: false, eventsChecked: event.revision, streamsChecked: 1, firstBroken: broken };
      previous = { revision: event.revision, hash: String(event.metadata.hash) };
    }
    return { ok: true, eventsChecked: events.length, streamsChecked: events.length > 0 ? 1 : 0 };
  }
  const heads = new Map<string, { revision: number; hash: string }>();
  let digest = GENESIS_HASH;
  let after: Position = 0n;
  let checked = 0;
  for (;;) {
    const page = await store.readAll(after, { maxCount: VERIFY_PAGE_SIZE });
    for (const event of page) {
      const broken = checkLink(event, heads.get(event.streamId));
      if (broken) return { ok: false, eventsChecked: checked, streamsChecked: heads.size, firstBroken: broken };
      const hash = String(event.metadata.hash);
      heads.set(event.streamId, { revision: event.revision, hash });
      digest = nextDigest(digest, hash);
      checked += 1;
      after = event.position;
    }
    options.onProgress?.(after);
    if (page.length < VERIFY_PAGE_SIZE) break;
  }
  return { ok: true, eventsChecked: checked, streamsChecked: heads.size, digest: { position: String(after), digest } };
};
