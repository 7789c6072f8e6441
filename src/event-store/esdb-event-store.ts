import assert from 'node:assert/strict';
import { Observable } from 'rxjs';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { ConcurrencyConflict } from '../common/errors';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
} from './event-store';
import { assertExpected, matchesExpected } from './expected-revision';
import { isSystemEvent, originalResult, toProposedEvent, toRecordedEvent, visibleMetadata, withMetadata, type ProposedEvent } from './esdb-mapping';
import { canonicalJson, chainMetadata, GENESIS_HASH } from './hash-chain';
import { AppendTimeout, backoffDelayMs, isTransportError, retryTransportErrors, withTimeout, type Backoff } from './esdb-retry';

/** Our deadline on one append attempt; the client's batch-append path has none of its own. */
export const APPEND_TIMEOUT_MS_DEFAULT = 10_000;
/** Attempts of one append or read in all, the first included, when the transport fails. */
export const TRANSPORT_ATTEMPTS_MAX_DEFAULT = 5;
export const TRANSPORT_BACKOFF_DEFAULT: Backoff = { initialMs: 50, maxMs: 2_000 };
/** Resubscriptions in a row without progress before the subscription gives up and errors. */
export const RESUBSCRIBE_ATTEMPTS_MAX_DEFAULT = 30;
export const RESUBSCRIBE_BACKOFF_DEFAULT: Backoff = { initialMs: 50, maxMs: 5_000 };
export const READ_ALL_PAGE_SIZE_DEFAULT = 1_000;
/** Events read backwards per step while looking for the last event that is not a system event. */
const HEAD_SCAN_PAGE_SIZE = 64;
/**
 * Tries of an `any`/`exists` append that keeps losing the race for the revision it pinned. Every
 * round some writer wins, so N writers racing on one stream need at most N tries each.
 */
const PINNED_REVISION_ATTEMPTS_MAX = 32;
/** `$all` is filtered server-side to streams whose name does not start with `$` (system streams). */
const USER_STREAMS = streamNameFilter({ regex: '^[^$]' });

export interface EsdbEventStoreOptions {
  appendTimeoutMs?: number;
  transportAttemptsMax?: number;
  transportBackoff?: Backoff;
  resubscribeAttemptsMax?: number;
  resubscribeBackoff?: Backoff;
}

type PinnedRevision = bigint | 'no_stream';

/** What the adapter had to recover from so far (for /health-style reporting and the fault tests). */
export interface EsdbEventStoreStats {
  /** Appends and reads repeated after a transport error or an append timeout. */
  transportRetries: number;
  /** `$all` subscriptions opened again after a drop. */
  resubscriptions: number;
}

const closedError = (): Error => new Error('EsdbEventStore is closed');

/** Our commit position ↔ the client's {commit, prepare}: an event's `$all` position has both equal. */
const allPosition = (p: Position): typeof START | { commit: bigint; prepare: bigint } => (p === 0n ? START : { commit: p, prepare: p });

/**
 * The EventStore port over EventStoreDB (@eventstore/db-client, gRPC). Streams map 1:1; a
 * position is the event's `$all` commit position. The server checks expected revisions and
 * recognises a retried append by its event ids; this adapter adds what the port promises beyond
 * that (see docs/eventstoredb.md): every append pins an explicit revision, has its own timeout and
 * is retried only on transport errors; a conflict is checked for a retry before it is reported;
 * `$all` is read without the server's system events; a subscription resubscribes after a drop
 * from the last event it delivered, with bounded backoff.
 */
export class EsdbEventStore implements EventStore {
  private closed = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly subscriptionClosers = new Set<() => void>();
  private readonly counters: EsdbEventStoreStats = { transportRetries: 0, resubscriptions: 0 };
  private readonly appendTimeoutMs: number;
  private readonly transportAttemptsMax: number;
  private readonly transportBackoff: Backoff;
  private readonly resubscribeAttemptsMax: number;
  private readonly resubscribeBackoff: Backoff;

  private constructor(
    private readonly client: EventStoreDBClient,
    options: EsdbEventStoreOptions,
  ) {
    this.appendTimeoutMs = options.appendTimeoutMs ?? APPEND_TIMEOUT_MS_DEFAULT;
    this.transportAttemptsMax = options.transportAttemptsMax ?? TRANSPORT_ATTEMPTS_MAX_DEFAULT;
    this.transportBackoff = options.transportBackoff ?? TRANSPORT_BACKOFF_DEFAULT;
    this.resubscribeAttemptsMax = options.resubscribeAttemptsMax ?? RESUBSCRIBE_ATTEMPTS_MAX_DEFAULT;
    this.resubscribeBackoff = options.resubscribeBackoff ?? RESUBSCRIBE_BACKOFF_DEFAULT;
    assert.ok(Number.isInteger(this.appendTimeoutMs) && this.appendTimeoutMs >= 1, 'appendTimeoutMs must be a positive integer');
    assert.ok(Number.isInteger(this.transportAttemptsMax) && this.transportAttemptsMax >= 1, 'transportAttemptsMax must be a positive integer');
    assert.ok(Number.isInteger(this.resubscribeAttemptsMax) && this.resubscribeAttemptsMax >= 1, 'resubscribeAttemptsMax must be a positive integer');
  }

  /** Connects lazily: the first operation opens the channel. */
  static connect(connectionString: string, options: EsdbEventStoreOptions = {}): EsdbEventStore {
    assert.ok(typeof connectionString === 'string' && connectionString.length > 0, 'EVENTSTORE_CONNECTION_STRING is required for EVENT_STORE=esdb');
    // A failed append must throw (WrongExpectedVersionError), never resolve with success: false.
    if (/[?&]throwOnAppendFailure=false(&|$)/i.test(connectionString)) {
      throw new Error('EVENTSTORE_CONNECTION_STRING must not set throwOnAppendFailure=false: the adapter relies on failed appends throwing');
    }
    const client = EventStoreDBClient.connectionString(connectionString);
    return new EsdbEventStore(client, options);
  }

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (this.closed) throw closedError();
    assert.ok(typeof streamId === 'string' && streamId.length > 0, 'streamId must be a non-empty string');
    assert.ok(!streamId.startsWith('$'), `${streamId}: streams starting with $ are EventStoreDB's system streams`);
    assert.ok(Array.isArray(events), 'events must be an array');
    assertExpected(expected);
    const proposed = events.map(toProposedEvent);
    // ESDB compares ids as GUIDs, so 'A…' and 'a…' are one id.
    assert.equal(new Set(proposed.map((e) => e.esdbId)).size, proposed.length, `append to ${streamId}: event ids must be unique within one append`);
    return this.track(proposed.length === 0 ? this.appendNothing(streamId, expected) : this.appendEvents(streamId, proposed, expected));
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (this.closed) throw closedError();
    assert.ok(typeof streamId === 'string' && streamId.length > 0, 'streamId must be a non-empty string');
    const fromRevision = options.fromRevision ?? 0;
    assert.ok(Number.isSafeInteger(fromRevision) && fromRevision >= 0, 'fromRevision must be an integer >= 0');
    const maxCount = options.maxCount;
    assert.ok(maxCount === undefined || (Number.isSafeInteger(maxCount) && maxCount >= 0), 'maxCount must be an integer >= 0');
    if (maxCount === 0) return [];
    return this.track(this.readStreamEvents(streamId, fromRevision, maxCount));
  }

  async readAll(after: Position, options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    if (this.closed) throw closedError();
    assert.ok(typeof after === 'bigint' && after >= 0n, 'after must be a bigint >= 0n');
    const maxCount = options.maxCount ?? READ_ALL_PAGE_SIZE_DEFAULT;
    assert.ok(Number.isSafeInteger(maxCount) && maxCount >= 1, 'maxCount must be an integer >= 1');
    return this.track(this.readAllPage(after, maxCount));
  }

  async headPosition(): Promise<Position> {
    if (this.closed) throw closedError();
    return this.track(this.lastUserEventPosition());
  }

  /**
   * One `$all` subscription per subscriber, filtered server-side to non-system streams, started
   * after `after` (the server's start is exclusive). When it drops — the node restarts, the
   * server cancels it, a transport error — it is opened again from the last event delivered, so
   * nothing is skipped, and an event at or before that position is never delivered twice.
   */
  subscribeAll(after: Position): Observable<RecordedEvent> {
    return new Observable<RecordedEvent>((subscriber) => {
      assert.ok(typeof after === 'bigint' && after >= 0n, 'after must be a bigint >= 0n');
      if (this.closed) {
        subscriber.error(closedError());
        return undefined;
      }
      let last = after;
      let failures = 0;
      let stopped = false;
      let current: AllStreamSubscription | null = null;
      let retryTimer: NodeJS.Timeout | undefined;

      const detach = (): void => {
        const subscription = current;
        current = null;
        if (subscription === null) return;
        subscription.removeAllListeners();
        subscription.on('error', () => undefined);
        void subscription.unsubscribe().catch(() => undefined);
      };
      const stop = (): void => {
        stopped = true;
        if (retryTimer !== undefined) clearTimeout(retryTimer);
        detach();
        this.subscriptionClosers.delete(completeOnClose);
      };
      const completeOnClose = (): void => {
        stop();
        subscriber.complete();
      };
      const dropped = (error: unknown): void => {
        if (stopped) return;
        detach();
        if (!isTransportError(error) || failures >= this.resubscribeAttemptsMax) {
          stop();
          subscriber.error(error);
          return;
        }
        retryTimer = setTimeout(open, backoffDelayMs(this.resubscribeBackoff, failures));
        failures += 1;
        this.counters.resubscriptions += 1;
      };
      const open = (): void => {
        retryTimer = undefined;
        if (stopped) return;
        const subscription = this.client.subscribeToAll({ fromPosition: allPosition(last), filter: USER_STREAMS });
        current = subscription;
        subscription.on('data', (resolved: AllStreamResolvedEvent) => {
          if (stopped || current !== subscription) return;
          failures = 0;
          let event: RecordedEvent;
          try {
            const raw = resolved.event;
            if (raw === undefined || isSystemEvent(raw.streamId, raw.type)) return;
            event = toRecordedEvent(resolved);
          } catch (error) {
            stop();
            subscriber.error(error);
            return;
          }
          if (event.position <= last) return; // already delivered before a resubscription
          last = event.position;
          subscriber.next(event);
        });
        subscription.on('caughtUp', () => {
          if (current === subscription) failures = 0;
        });
        subscription.on('error', (error: Error) => {
          if (current === subscription) dropped(error);
        });
        subscription.on('end', () => {
          // A subscription never ends by itself: the server went away without an error status.
          if (current === subscription) dropped(Object.assign(new Error('the $all subscription ended'), { code: 14 }));
        });
      };

      this.subscriptionClosers.add(completeOnClose);
      open();
      return stop;
    });
  }

  stats(): EsdbEventStoreStats {
    return { ...this.counters };
  }

  /** Waits for appends and reads in flight, completes subscribers, then disposes the client. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    for (const complete of [...this.subscriptionClosers]) complete();
    await this.client.dispose();
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    const forget = (): void => {
      this.inFlight.delete(promise);
    };
    promise.then(forget, forget);
    return promise;
  }

  /**
   * Appends with an explicit expected revision, always: the caller's, or — for `any` and
   * `exists` — the stream's current one, read first together with its ids (ESDB recognises a
   * retry under `any` only while the ids are in a bounded cache, and never looks for an id that
   * repeats an earlier, unrelated event). A rejected revision is checked for a retry before it
   * is reported as a conflict.
   */
  private async appendEvents(streamId: string, events: readonly ProposedEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    for (let attempt = 1; ; attempt++) {
      let pinned: PinnedRevision;
      if (expected === 'any' || expected === 'exists') {
        const stored = await this.readStreamEvents(streamId, 0, undefined);
        const retried = originalResult(streamId, stored, events);
        if (retried !== null) return retried;
        if (expected === 'exists' && stored.length === 0) throw new ConcurrencyConflict(streamId, 'exists', 'no_stream');
        pinned = stored.length === 0 ? 'no_stream' : BigInt(stored.length - 1);
      } else {
        pinned = expected === 'no_stream' ? 'no_stream' : BigInt(expected);
      }
      try {
        return await this.appendAtRevision(streamId, await this.withStoreMetadata(streamId, pinned, events), pinned);
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        const stored = await this.readStreamEvents(streamId, 0, undefined);
        const retried = originalResult(streamId, stored, events);
        if (retried !== null) return retried;
        const pinnedByUs = expected === 'any' || expected === 'exists';
        if (pinnedByUs && attempt < PINNED_REVISION_ATTEMPTS_MAX) continue;
        const actual = error.actualVersion === 'no_stream' ? 'no_stream' : String(error.actualVersion);
        throw new ConcurrencyConflict(streamId, String(expected), actual);
      }
    }
  }

  /**
   * The hash chain (docs/audit.md), computed once the revision is pinned and before the first
   * attempt, so every retry resends identical events: each event's prevHash is the hash of the
   * event at `pinned` (64 zeros for a new stream), and the append then lands at exactly that
   * revision or fails as a conflict — a concurrent writer cannot fork the chain.
   */
  private async withStoreMetadata(streamId: string, pinned: PinnedRevision, events: readonly ProposedEvent[]): Promise<readonly ProposedEvent[]> {
    const previousHash = pinned === 'no_stream' ? GENESIS_HASH : await this.hashAt(streamId, Number(pinned));
    const firstRevision = pinned === 'no_stream' ? 0 : Number(pinned) + 1;
    const chained = chainMetadata(
      streamId,
      firstRevision,
      previousHash,
      events.map((e) => ({ type: e.data.type, canonicalData: canonicalJson(e.data.data), metadata: visibleMetadata(e) })),
    );
    return events.map((e, i) => withMetadata(e, chained[i] as Record<string, unknown>));
  }

  /** The hash of the event at `revision`; when the stream is not there, the append conflicts anyway. */
  private async hashAt(streamId: string, revision: number): Promise<string> {
    const [event] = await this.readStreamEvents(streamId, revision, 1);
    if (event === undefined || event.revision !== revision) return GENESIS_HASH;
    assert.ok(typeof event.metadata.hash === 'string', `stream ${streamId}: the event at revision ${revision} carries no hash`);
    return event.metadata.hash;
  }

  /**
   * One append at a pinned revision with stable ids, retried only after a transport error or our
   * own timeout: the retry either lands or is recognised by the server as the same append.
   */
  private appendAtRevision(streamId: string, events: readonly ProposedEvent[], pinned: PinnedRevision): Promise<AppendResult> {
    const data = events.map((e) => e.data);
    const expectedNext = pinned === 'no_stream' ? BigInt(events.length - 1) : pinned + BigInt(events.length);
    return retryTransportErrors(
      async () => {
        const attempt = this.client.appendToStream(streamId, data, { expectedRevision: pinned, deadline: this.appendTimeoutMs });
        const result = await withTimeout(attempt, this.appendTimeoutMs, () => new AppendTimeout(streamId, this.appendTimeoutMs));
        // With an explicit revision the server either wrote the events right after it or matched them there.
        assert.equal(result.nextExpectedRevision, expectedNext, `append to ${streamId}: the server reported revision ${result.nextExpectedRevision}, not ${expectedNext}`);
        const position = result.position?.commit ?? (await this.positionOf(streamId, Number(expectedNext)));
        return { nextRevision: Number(expectedNext), position };
      },
      this.transportAttemptsMax,
      this.transportBackoff,
      () => this.counters.transportRetries++,
    );
  }

  /** An empty append writes nothing: it checks the expected revision against the stream as it is. */
  private async appendNothing(streamId: string, expected: ExpectedRevision): Promise<AppendResult> {
    const [last] = await this.retrying(() => this.collect(this.client.readStream(streamId, { fromRevision: END, direction: BACKWARDS, maxCount: 1 })));
    const current = last === undefined ? -1 : last.revision;
    if (!matchesExpected(expected, current)) {
      throw new ConcurrencyConflict(streamId, String(expected), current === -1 ? 'no_stream' : String(current));
    }
    return { nextRevision: current, position: await this.lastUserEventPosition() };
  }

  private async positionOf(streamId: string, revision: number): Promise<Position> {
    const [event] = await this.readStreamEvents(streamId, revision, 1);
    assert.ok(event !== undefined, `${streamId}@${revision} was just appended but cannot be read`);
    return event.position;
  }

  private readStreamEvents(streamId: string, fromRevision: number, maxCount: number | undefined): Promise<RecordedEvent[]> {
    return this.retrying(() =>
      this.collect(
        this.client.readStream(streamId, {
          fromRevision: fromRevision === 0 ? START : BigInt(fromRevision),
          direction: FORWARDS,
          ...(maxCount !== undefined && { maxCount }),
        }),
      ),
    );
  }

  /**
   * The client's `$all` read has no filter and starts at (not after) the position, so a page is
   * filled here: skip the start event and the server's system events, read on until `maxCount`
   * user events or the end of the log.
   */
  private async readAllPage(after: Position, maxCount: number): Promise<RecordedEvent[]> {
    const page: RecordedEvent[] = [];
    let cursor = after;
    for (;;) {
      const wanted = maxCount - page.length;
      const raw = await this.retrying(() => this.collectRaw(this.client.readAll({ fromPosition: allPosition(cursor), direction: FORWARDS, maxCount: wanted + 1 })));
      let moved = false;
      for (const resolved of raw) {
        const event = resolved.event;
        if (event?.position === undefined || event.position.commit <= cursor) continue;
        cursor = event.position.commit;
        moved = true;
        if (isSystemEvent(event.streamId, event.type)) continue;
        page.push(toRecordedEvent(resolved));
        if (page.length === maxCount) return page;
      }
      // A short read is the end of the log; a full one that only skipped the start event cannot happen.
      if (raw.length < wanted + 1 || !moved) return page;
    }
  }

  /** The last event that is not a system event (0n when there is none), read backwards from the end. */
  private async lastUserEventPosition(): Promise<Position> {
    let from: typeof END | { commit: bigint; prepare: bigint } = END;
    for (;;) {
      const raw = await this.retrying(() => this.collectRaw(this.client.readAll({ fromPosition: from, direction: BACKWARDS, maxCount: HEAD_SCAN_PAGE_SIZE })));
      for (const resolved of raw) {
        const event = resolved.event;
        if (event?.position === undefined) continue;
        if (!isSystemEvent(event.streamId, event.type)) return event.position.commit;
      }
      const oldest = raw[raw.length - 1]?.event?.position;
      if (raw.length < HEAD_SCAN_PAGE_SIZE || oldest === undefined) return 0n;
      assert.ok(from === END || oldest.commit < from.commit, 'a backwards read must move backwards');
      from = { commit: oldest.commit, prepare: oldest.commit };
    }
  }

  private retrying<T>(read: () => Promise<T>): Promise<T> {
    return retryTransportErrors(read, this.transportAttemptsMax, this.transportBackoff, () => this.counters.transportRetries++);
  }

  /** Reads a stream to the end; a stream that does not exist is empty. */
  private async collect(read: AsyncIterable<ResolvedEvent>): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of read) events.push(toRecordedEvent(resolved));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  private async collectRaw(read: AsyncIterable<AllStreamResolvedEvent>): Promise<AllStreamResolvedEvent[]> {
    const events: AllStreamResolvedEvent[] = [];
    for await (const resolved of read) events.push(resolved);
    return events;
  }
}
