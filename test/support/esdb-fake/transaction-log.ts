import assert from 'node:assert/strict';

/**
 * The in-memory transaction log of the fake EventStoreDB: EventStoreDB's write and read
 * semantics for the subset our adapter uses, written from the server's own code (IndexWriter's
 * CheckCommit, StorageWriterService.WritePrepares, the $all readers). Test-only.
 *
 * - Positions are byte offsets in one log. Every event is its own prepare record, so an event's
 *   `$all` position is (logPosition, logPosition); `transactionPosition` is the position of the
 *   first event of the write it came in (what the server reports as the record's prepare position).
 * - A write's success reports the position of its last event; an idempotent write reports the
 *   position of the last event of the range it matched.
 * - Expected version: NoStream -1, Any -2, StreamExists -4, or an event number.
 * - Idempotency for Any/StreamExists goes through a bounded cache of recently committed event ids
 *   (ESDB's `_committedEvents`), so an old enough retry with Any is appended again — as on the
 *   real server. An explicit expected version checks the ids position by position.
 */

export const EXPECTED_NO_STREAM = -1n;
export const EXPECTED_ANY = -2n;
export const EXPECTED_STREAM_EXISTS = -4n;

/** Fixed bytes of a prepare record besides its variable fields (header, flags, ids, timestamps, length prefix and suffix). */
const RECORD_OVERHEAD_BYTES = 98;
/** Default size of the committed-event-id cache used for Any/StreamExists idempotency. */
export const COMMITTED_EVENTS_CACHE_DEFAULT = 10_000;
const TICKS_PER_MS = 10_000n;
/** Bytes of the epoch record every log starts with: no event is ever at position 0. */
export const EPOCH_RECORD_BYTES = 122n;

export interface ProposedEvent {
  /** A GUID in its canonical lowercase form. */
  eventId: string;
  eventType: string;
  isJson: boolean;
  data: Uint8Array;
  metadata: Uint8Array;
}

export interface LogEvent extends ProposedEvent {
  logPosition: bigint;
  transactionPosition: bigint;
  streamId: string;
  eventNumber: bigint;
  /** .NET ticks (100 ns) since the Unix epoch, as the server sends in the `created` metadata. */
  createdTicks: bigint;
}

export type WriteResult =
  | { kind: 'success'; firstEventNumber: bigint; lastEventNumber: bigint; position: bigint }
  | { kind: 'wrong-expected-version'; currentVersion: bigint };

type CommitDecision =
  | { kind: 'ok'; currentVersion: bigint }
  | { kind: 'wrong-expected-version'; currentVersion: bigint }
  | { kind: 'corrupted-idempotency'; currentVersion: bigint }
  | { kind: 'idempotent'; start: bigint; end: bigint };

/** Ticks now; sub-millisecond digits from the monotonic clock so ticks are not all multiples of 10 000. */
function nowTicks(): bigint {
  const subMs = process.hrtime.bigint() % 1_000_000n; // nanoseconds within the millisecond
  return BigInt(Date.now()) * TICKS_PER_MS + subMs / 100n;
}

const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

export class TransactionLog {
  private readonly all: LogEvent[] = [];
  private readonly streams = new Map<string, LogEvent[]>();
  /** Recently committed event ids → where they went; oldest first (Map keeps insertion order). */
  private readonly committedEvents = new Map<string, { streamId: string; eventNumber: bigint }>();
  private nextLogPosition: bigint;
  /** Where every record starts: the only positions a read or subscription may start from. */
  private readonly recordStarts = new Set<bigint>([0n]);
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly committedEventsCacheSize = COMMITTED_EVENTS_CACHE_DEFAULT,
    /** Where the first record after the epoch record goes. */
    firstLogPosition = EPOCH_RECORD_BYTES,
  ) {
    assert.ok(Number.isInteger(committedEventsCacheSize) && committedEventsCacheSize >= 1);
    this.nextLogPosition = firstLogPosition;
  }

  /**
   * A position a read may start from: the start of a record, or the end of the log. Anything
   * else is inside a record, and the server answers "Trying to read from an invalid position."
   */
  isValidReadPosition(position: bigint): boolean {
    return position === this.nextLogPosition || this.recordStarts.has(position);
  }

  /** Position of the last event (0n when empty). */
  get lastEventPosition(): bigint {
    return this.all[this.all.length - 1]?.logPosition ?? 0n;
  }

  get eventCount(): number {
    return this.all.length;
  }

  /** Called after every write that added records (wakes live subscriptions). */
  onAppended(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  lastEventNumber(streamId: string): bigint {
    const events = this.streams.get(streamId);
    return events === undefined ? -1n : BigInt(events.length - 1);
  }

  /** WritePrepares: commit check, then one prepare record per event (or an empty one). */
  write(streamId: string, expectedVersion: bigint, events: readonly ProposedEvent[]): WriteResult {
    const decision = this.checkCommit(streamId, expectedVersion, events.map((e) => e.eventId));
    switch (decision.kind) {
      case 'wrong-expected-version':
      case 'corrupted-idempotency':
        // "in case of corrupted idempotency (part of transaction is ok, other is different) then we
        // can say that the transaction is not idempotent, so WrongExpectedVersion is ok answer"
        return { kind: 'wrong-expected-version', currentVersion: decision.currentVersion };
      case 'idempotent': {
        const stored = this.streams.get(streamId)?.[Number(decision.end)];
        return { kind: 'success', firstEventNumber: decision.start, lastEventNumber: decision.end, position: stored?.logPosition ?? -1n };
      }
      case 'ok':
        break;
    }
    const current = decision.currentVersion;
    if (events.length === 0) {
      // An empty write still writes an (empty) prepare record; it is never read back.
      const position = this.advance(RECORD_OVERHEAD_BYTES + utf8Length(streamId));
      return { kind: 'success', firstEventNumber: current + 1n, lastEventNumber: current, position };
    }
    const stream = this.streams.get(streamId) ?? [];
    this.streams.set(streamId, stream);
    const createdTicks = nowTicks();
    let transactionPosition = -1n;
    let last: LogEvent | undefined;
    events.forEach((event, i) => {
      const size = RECORD_OVERHEAD_BYTES + utf8Length(streamId) + utf8Length(event.eventType) + event.data.length + event.metadata.length;
      const logPosition = this.advance(size);
      if (i === 0) transactionPosition = logPosition;
      last = { ...event, logPosition, transactionPosition, streamId, eventNumber: current + 1n + BigInt(i), createdTicks };
      stream.push(last);
      this.all.push(last);
      this.remember(event.eventId, streamId, last.eventNumber);
    });
    assert.ok(last !== undefined);
    for (const listener of [...this.listeners]) listener();
    return { kind: 'success', firstEventNumber: current + 1n, lastEventNumber: last.eventNumber, position: last.logPosition };
  }

  /** Events of one stream from `from` (inclusive), forwards or backwards, at most `count`. */
  readStream(streamId: string, from: bigint | 'start' | 'end', direction: 'forwards' | 'backwards', count: bigint): LogEvent[] | null {
    const events = this.streams.get(streamId);
    if (events === undefined) return null;
    const max = Number(count > BigInt(events.length) ? BigInt(events.length) : count);
    if (direction === 'forwards') {
      const start = from === 'start' ? 0 : from === 'end' ? events.length : Number(from > BigInt(events.length) ? BigInt(events.length) : from);
      return events.slice(start, start + max);
    }
    const last = from === 'end' || from === 'start' ? (from === 'end' ? events.length - 1 : 0) : Number(from >= BigInt(events.length) ? BigInt(events.length - 1) : from);
    const out: LogEvent[] = [];
    for (let i = last; i >= 0 && out.length < max; i--) out.push(events[i] as LogEvent);
    return out;
  }

  /**
   * `$all` forwards from a position: inclusive (an event at exactly that position is returned),
   * as ReadAllEventsForward is. Backwards: strictly before the position.
   */
  readAll(from: bigint | 'start' | 'end', direction: 'forwards' | 'backwards', count: number, keep: (e: LogEvent) => boolean = () => true): LogEvent[] {
    const out: LogEvent[] = [];
    if (direction === 'forwards') {
      if (from === 'end') return out;
      for (let i = from === 'start' ? 0 : this.firstIndexAtOrAfter(from); i < this.all.length && out.length < count; i++) {
        const event = this.all[i] as LogEvent;
        if (keep(event)) out.push(event);
      }
      return out;
    }
    if (from === 'start') return out;
    for (let i = (from === 'end' ? this.all.length : this.firstIndexAtOrAfter(from)) - 1; i >= 0 && out.length < count; i--) {
      const event = this.all[i] as LogEvent;
      if (keep(event)) out.push(event);
    }
    return out;
  }

  /** Index of the first event whose position is >= `position` (binary search: positions only grow). */
  firstIndexAtOrAfter(position: bigint): number {
    let lo = 0;
    let hi = this.all.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.all[mid] as LogEvent).logPosition < position) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  eventAt(index: number): LogEvent | undefined {
    return this.all[index];
  }

  /** IndexWriter.CheckCommit, for streams that are never deleted. */
  private checkCommit(streamId: string, expectedVersion: bigint, eventIds: readonly string[]): CommitDecision {
    if (!this.streams.has(streamId)) {
      // The fast path for a stream never written: only Any and NoStream may create it.
      return expectedVersion === EXPECTED_ANY || expectedVersion === EXPECTED_NO_STREAM
        ? { kind: 'ok', currentVersion: -1n }
        : { kind: 'wrong-expected-version', currentVersion: -1n };
    }
    const curVersion = this.lastEventNumber(streamId);
    if (expectedVersion === EXPECTED_STREAM_EXISTS && curVersion < 0n) return { kind: 'wrong-expected-version', currentVersion: curVersion };

    if (expectedVersion === EXPECTED_ANY || expectedVersion === EXPECTED_STREAM_EXISTS) {
      let start = -1n;
      let end = -1n;
      for (const [i, eventId] of eventIds.entries()) {
        const info = this.committedEvents.get(eventId);
        if (info === undefined || info.streamId !== streamId) {
          return i === 0 ? { kind: 'ok', currentVersion: curVersion } : { kind: 'corrupted-idempotency', currentVersion: curVersion };
        }
        if (i === 0) start = info.eventNumber;
        end = info.eventNumber;
      }
      if (eventIds.length === 0) return { kind: 'ok', currentVersion: curVersion };
      return { kind: 'idempotent', start, end };
    }

    if (expectedVersion < curVersion) {
      let eventNumber = expectedVersion;
      const stream = this.streams.get(streamId) ?? [];
      for (const eventId of eventIds) {
        eventNumber += 1n;
        if (stream[Number(eventNumber)]?.eventId === eventId) continue;
        const first = eventNumber === expectedVersion + 1n;
        return first ? { kind: 'wrong-expected-version', currentVersion: curVersion } : { kind: 'corrupted-idempotency', currentVersion: curVersion };
      }
      if (eventNumber === expectedVersion) return { kind: 'wrong-expected-version', currentVersion: curVersion };
      return { kind: 'idempotent', start: expectedVersion + 1n, end: eventNumber };
    }
    if (expectedVersion > curVersion) return { kind: 'wrong-expected-version', currentVersion: curVersion };
    return { kind: 'ok', currentVersion: curVersion };
  }

  private remember(eventId: string, streamId: string, eventNumber: bigint): void {
    this.committedEvents.delete(eventId);
    this.committedEvents.set(eventId, { streamId, eventNumber });
    if (this.committedEvents.size > this.committedEventsCacheSize) {
      const oldest = this.committedEvents.keys().next();
      if (oldest.done !== true) this.committedEvents.delete(oldest.value);
    }
  }

  private advance(size: number): bigint {
    const position = this.nextLogPosition;
    this.recordStarts.add(position);
    this.nextLogPosition += BigInt(size);
    return position;
  }
}
