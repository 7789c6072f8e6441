import assert from 'node:assert/strict';
import { jsonEvent, type JSONEventData, type JSONType, type ResolvedEvent } from '@eventstore/db-client';
import type { EventMetadata } from '../common/event';
import type { AppendResult, NewEvent, RecordedEvent } from './event-store';

/**
 * Translation between our envelope and EventStoreDB's events, in one place: event ids (ESDB keeps
 * a GUID and gives it back lowercase), JSON data and metadata, and the `$all` commit position.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * EventStoreDB stores an id as a GUID and reads it back in lowercase. When the caller's id is
 * written differently (an uppercase UUID), its exact spelling travels in the metadata under this
 * key and is put back on read, so ids round-trip as given.
 */
export const ID_AS_GIVEN_KEY = 'eventIdAsGiven';

/** An event as the client sends it, plus the lowercase id ESDB compares by. */
export interface ProposedEvent {
  id: string;
  esdbId: string;
  data: JSONEventData;
}

export function toProposedEvent(event: NewEvent): ProposedEvent {
  assert.ok(typeof event.id === 'string' && UUID.test(event.id), `event id must be a UUID, got ${String(event.id)}`);
  assert.ok(typeof event.type === 'string' && event.type.length > 0, `event ${event.id}: type must be a non-empty string`);
  assert.ok(!event.type.startsWith('$'), `event ${event.id}: types starting with $ are EventStoreDB's own`);
  assert.ok(typeof event.metadata === 'object' && event.metadata !== null, `event ${event.id}: metadata must be an object`);
  // Serialised here, not in the client: a value JSON cannot hold (a bigint) must fail before
  // anything is sent, and the client would throw it inside a promise nobody awaits.
  assert.ok(typeof JSON.stringify(event.data) === 'string', `event ${event.id}: data must be JSON-serialisable`);
  const esdbId = event.id.toLowerCase();
  const metadata = esdbId === event.id ? event.metadata : { ...event.metadata, [ID_AS_GIVEN_KEY]: event.id };
  assert.ok(typeof JSON.stringify(metadata) === 'string', `event ${event.id}: metadata must be JSON-serialisable`);
  const data = jsonEvent({ id: esdbId, type: event.type, data: event.data as JSONType, metadata: metadata as unknown as JSONType });
  return { id: event.id, esdbId, data };
}

/** The metadata a reader will see (the id-as-given marker is ours alone). */
export function visibleMetadata(event: ProposedEvent): Record<string, unknown> {
  const { [ID_AS_GIVEN_KEY]: _idAsGiven, ...metadata } = (event.data.metadata ?? {}) as Record<string, unknown>;
  return metadata;
}

/** The same proposed event with the metadata the store computed (the hash chain). */
export function withMetadata(event: ProposedEvent, metadata: Record<string, unknown>): ProposedEvent {
  const full = event.esdbId === event.id ? metadata : { ...metadata, [ID_AS_GIVEN_KEY]: event.id };
  const data = jsonEvent({ id: event.esdbId, type: event.data.type, data: event.data.data as JSONType, metadata: full as unknown as JSONType });
  return { ...event, data };
}

/** Events in `$`-prefixed streams, and `$`-typed events anywhere, are the server's own. */
export const isSystemEvent = (streamId: string, type: string): boolean => streamId.startsWith('$') || type.startsWith('$');

export function toRecordedEvent(resolved: ResolvedEvent): RecordedEvent {
  const event = resolved.event;
  assert.ok(event !== undefined, 'a read without resolveLinkTos always carries the event');
  if (!event.isJson) throw new Error(`event ${event.id} in ${event.streamId} is not JSON: it was not written by billing-ledger`);
  assert.ok(event.position !== undefined, `event ${event.id} came without a position`);
  const raw = (event.metadata ?? {}) as Record<string, unknown>;
  const { [ID_AS_GIVEN_KEY]: idAsGiven, ...metadata } = raw;
  return {
    id: typeof idAsGiven === 'string' ? idAsGiven : event.id,
    type: event.type,
    streamId: event.streamId,
    revision: Number(event.revision),
    position: event.position.commit,
    data: event.data,
    metadata: metadata as unknown as EventMetadata,
  };
}

/** Thrown when an append repeats stored event ids without being a retry of the append that stored them. */
export class NotARetry extends Error {
  constructor(streamId: string, detail: string) {
    super(`append to ${streamId} repeats stored event ids but is not a retry: ${detail}; a retry must resend the same events, in the same order, to the same stream`);
    this.name = 'NotARetry';
  }
}

/**
 * If `events` were all stored, consecutively and in this order, by an earlier append to this
 * stream, that append's result; null when none of them is stored. Anything in between (some
 * stored, or stored in another order) is not a retry and throws.
 */
export function originalResult(streamId: string, stored: readonly RecordedEvent[], events: readonly ProposedEvent[]): AppendResult | null {
  const first = events[0];
  if (first === undefined) return null;
  const start = stored.findIndex((e) => e.id.toLowerCase() === first.esdbId);
  if (start < 0) {
    const storedIds = new Set(stored.map((e) => e.id.toLowerCase()));
    const repeated = events.find((e) => storedIds.has(e.esdbId));
    if (repeated !== undefined) throw new NotARetry(streamId, `event ${repeated.id} is stored but ${first.id} is not`);
    return null;
  }
  events.forEach((event, k) => {
    const at = stored[start + k];
    if (at?.id.toLowerCase() !== event.esdbId) {
      throw new NotARetry(streamId, `event ${event.id} is not stored at revision ${start + k}, after ${first.id}`);
    }
  });
  const last = stored[start + events.length - 1] as RecordedEvent;
  return { nextRevision: last.revision, position: last.position };
}
