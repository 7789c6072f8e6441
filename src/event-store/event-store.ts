import type { Observable } from 'rxjs';
import type { EventMetadata } from '../common/event';

/**
 * The EventStore port. Every adapter (SQLite embedded, EventStoreDB) implements it and passes
 * the contract suite in test/contract. Nothing outside src/event-store/ knows which one runs.
 */

/** Global order of the whole store. Opaque and strictly increasing; 0n means "before the first event". */
export type Position = bigint;

/** Optimistic concurrency: what the caller believes the stream's last revision is. */
export type ExpectedRevision = 'any' | 'no_stream' | 'exists' | number;

/** An event to append. `id` is a UUID; an id already stored makes the append a no-op. */
export interface NewEvent {
  id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

/** A stored event with its envelope. `revision` is 0-based within its stream. */
export interface RecordedEvent<Data = unknown> {
  id: string;
  type: string;
  streamId: string;
  revision: number;
  position: Position;
  data: Data;
  metadata: EventMetadata;
}

export interface AppendResult {
  /** The stream's revision after the append (the last appended event's revision). */
  nextRevision: number;
  /** Global position of the last event appended. */
  position: Position;
}

export interface ReadStreamOptions {
  /** First revision to return (inclusive); default 0. */
  fromRevision?: number;
  /** At most this many events; default all. */
  maxCount?: number;
}

export interface ReadAllOptions {
  /** At most this many events in one page; default 1000. */
  maxCount?: number;
}

export interface EventStore {
  /**
   * Appends atomically: all of `events` or none. Throws ConcurrencyConflict when the stream's
   * revision does not match `expected`. When every event id is already stored in that stream,
   * appends nothing and returns the original result (idempotent retries).
   */
  append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /** Events of one stream in revision order; an unknown stream is empty. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** One page of events strictly after `after`, in global order. */
  readAll(after: Position, options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * Every event strictly after `after`, in global order: first the stored ones (catch-up), then
   * each new one as it is appended (live). Never skips or repeats an event.
   */
  subscribeAll(after: Position): Observable<RecordedEvent>;
  /** Position of the last stored event (0n when empty). */
  headPosition(): Promise<Position>;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EventStore');
