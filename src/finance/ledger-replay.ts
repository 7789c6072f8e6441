import { withinCutoff, type ReplayCutoff } from '../claims/claim-repository';
import type { EventStore, Position, RecordedEvent } from '../event-store/event-store';
import { postEvent, type JournalLine, type SourceEvent } from './journal';
import { SpillingClaimBook } from './spilling-claim-book';
import { TrialBalanceAccumulator } from './trial-balance';
import { PATIENT_CREDITS } from './chart-of-accounts';

/** Events read from the store per page: the replay holds one page at a time. */
export const REPLAY_PAGE_SIZE = 1_000;
/**
 * How far past the as-of instant the replay keeps reading. An event is stamped (recordedAt) just
 * before it is appended, so commit order and stamp order can differ by the time an append waits
 * for its group commit (milliseconds; seconds under a busy lock). No event stamped at or before
 * the as-of lies after one stamped this much later, so the replay stops there instead of reading
 * to the end of the store.
 */
export const RECORDED_AT_SKEW_MAX_MS = 10 * 60_000;

export interface ReplayResult {
  /** The last position included (0n when none). */
  position: Position;
  /** Events included (every type, money-moving or not). */
  eventCount: number;
  journalLineCount: number;
  trialBalance: TrialBalanceAccumulator;
  /** The books' claims as of the cutoff; close it when done. */
  book: SpillingClaimBook;
  /** Patient credit not allocated to any claim (the Patient Credits account). */
  unallocatedCreditCents: number;
}

export interface ReplayOptions {
  /** Called with each journal line in journal order; awaited, so a slow writer slows the replay. */
  onLine?: (line: JournalLine) => void | Promise<void>;
  onProgress?: (position: Position, head: Position) => void;
  /**
   * Called with every event the replay reads up to its last one, in global order, and whether it
   * counted (an event recorded after a recorded-at cutoff is read but does not count).
   */
  onRead?: (event: RecordedEvent, counted: boolean) => void;
  claimCacheMax?: number;
}

const toSource = (event: RecordedEvent): SourceEvent => ({
  id: event.id,
  position: event.position,
  streamId: event.streamId,
  type: event.type,
  data: event.data,
  recordedAt: event.metadata.recordedAt,
});

/**
 * Replays the store from the first event to the cutoff and posts every event to the journal:
 * as-of answers come from the events, never from a mutable copy. Pages through readAll, so
 * memory holds one page, the claim cache and the accumulators, whatever the ledger's length.
 * With a recorded-at cutoff, an event counts when it was recorded at or before it (as every
 * as-of read does); a position cutoff stops at that position.
 */
export const replayLedger = async (store: EventStore, cutoff: ReplayCutoff, options: ReplayOptions = {}): Promise<ReplayResult> => {
  const book = new SpillingClaimBook(options.claimCacheMax);
  const trialBalance = new TrialBalanceAccumulator();
  const stopAfterMs = cutoff.recordedAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(cutoff.recordedAt) + RECORDED_AT_SKEW_MAX_MS;
  const head = await store.headPosition();
  let after: Position = 0n;
  let position: Position = 0n;
  let eventCount = 0;
  let journalLineCount = 0;
  try {
    reading: for (;;) {
      const page = await store.readAll(after, { maxCount: REPLAY_PAGE_SIZE });
      const last = page[page.length - 1];
      if (last === undefined) break;
      for (const event of page) {
        if (cutoff.position !== undefined && event.position > cutoff.position) break reading;
        if (Date.parse(event.metadata.recordedAt) > stopAfterMs) break reading;
        const counted = withinCutoff(event, cutoff);
        options.onRead?.(event, counted);
        if (!counted) continue;
        eventCount += 1;
        position = event.position;
        for (const line of postEvent(toSource(event), book)) {
          trialBalance.add(line);
          journalLineCount += 1;
          const written = options.onLine?.(line);
          if (written !== undefined) await written;
        }
      }
      after = last.position;
      options.onProgress?.(after, head);
    }
  } catch (error) {
    book.close();
    throw error;
  }
  return { position, eventCount, journalLineCount, trialBalance, book, unallocatedCreditCents: 0 - trialBalance.netDebitCents(PATIENT_CREDITS) };
};
