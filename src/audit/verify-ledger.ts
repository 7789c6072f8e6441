import type { EventStore, Position, RecordedEvent } from '../event-store/event-store';
import { LruMap } from '../common/lru-map';
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
/**
 * Streams whose last link stays in memory during a whole-ledger run, so memory does not grow with
 * the number of streams; a stream that left is read back from the store when its next event comes.
 */
export const VERIFY_HEADS_MAX = 100_000;

type Link = { revision: number; hash: string };

/** Checks one event against the link before it; returns the broken link or null. */
export const checkLink = (event: RecordedEvent, previous: Link | undefined): BrokenLink | null => {
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
  options: { streamId?: string; onProgress?: (position: Position) => void; headsMax?: number } = {},
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
  const heads = new LruMap<string, Link>(options.headsMax ?? VERIFY_HEADS_MAX);
  let streams = 0;
  let digest = GENESIS_HASH;
  let after: Position = 0n;
  let checked = 0;
  for (;;) {
    const page = await store.readAll(after, { maxCount: VERIFY_PAGE_SIZE });
    for (const event of page) {
      const previous = heads.get(event.streamId) ?? (event.revision > 0 ? await linkBefore(store, event) : undefined);
      if (previous === undefined) streams += 1;
      const broken = checkLink(event, previous);
      if (broken) return { ok: false, eventsChecked: checked, streamsChecked: streams, firstBroken: broken };
      const hash = String(event.metadata.hash);
      heads.set(event.streamId, { revision: event.revision, hash });
      digest = nextDigest(digest, hash);
      checked += 1;
      after = event.position;
    }
    options.onProgress?.(after);
    if (page.length < VERIFY_PAGE_SIZE) break;
  }
  return { ok: true, eventsChecked: checked, streamsChecked: streams, digest: { position: String(after), digest } };
};

/**
 * The stream's last event before `event` in global order, read back from the store when it has
 * left memory. Its own hash was checked when the run passed it, so its stored hash is the link.
 */
const linkBefore = async (store: EventStore, event: RecordedEvent): Promise<Link | undefined> => {
  let link: (Link & { position: Position }) | undefined;
  for (const prior of await store.readStream(event.streamId)) {
    if (prior.position < event.position && (link === undefined || prior.position > link.position)) {
      link = { revision: prior.revision, hash: String(prior.metadata.hash), position: prior.position };
    }
  }
  return link === undefined ? undefined : { revision: link.revision, hash: link.hash };
};
