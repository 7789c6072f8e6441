import { randomUUID } from 'node:crypto';
import type { EventMetadata } from '../common/event';
import type { NewEvent, RecordedEvent } from './event-store';
import { ID_AS_GIVEN_KEY, isSystemEvent, NotARetry, originalResult, toProposedEvent, toRecordedEvent } from './esdb-mapping';

const metadata: EventMetadata = { schemaVersion: 1, actor: 'spec', correlationId: 'c', causationId: 'c', source: 'api', recordedAt: '2024-01-01T00:00:00.000Z' };
const newEvent = (id: string = randomUUID()): NewEvent => ({ id, type: 'Specified', data: { n: 1 }, metadata });
const stored = (events: NewEvent[]): RecordedEvent[] =>
  events.map((e, revision) => ({ ...e, streamId: 's', revision, position: BigInt(100 + revision * 10) }));

describe('esdb mapping', () => {
  it('sends an id lowercase, and keeps the spelling given in the metadata only when it differs', () => {
    const lower = randomUUID();
    expect(toProposedEvent(newEvent(lower)).data).toMatchObject({ id: lower, contentType: 'application/json', metadata });
    const upper = randomUUID().toUpperCase();
    const proposed = toProposedEvent(newEvent(upper));
    expect(proposed.esdbId).toBe(upper.toLowerCase());
    expect(proposed.data.metadata).toEqual({ ...metadata, [ID_AS_GIVEN_KEY]: upper });
  });

  it('refuses what EventStoreDB cannot hold or would take for its own', () => {
    expect(() => toProposedEvent(newEvent('e-1'))).toThrow(/UUID/);
    expect(() => toProposedEvent({ ...newEvent(), type: '$metadata' })).toThrow(/\$/);
    expect(() => toProposedEvent({ ...newEvent(), data: { big: 10n } })).toThrow();
  });

  it('reads an event back with the id as given, its commit position and our metadata only', () => {
    const upper = randomUUID().toUpperCase();
    const recorded = toRecordedEvent({
      event: {
        streamId: 'claim-1', id: upper.toLowerCase(), revision: 3n, type: 'Specified', data: { n: 1 }, isJson: true,
        metadata: { ...metadata, [ID_AS_GIVEN_KEY]: upper }, created: new Date(), position: { commit: 1234n, prepare: 1200n },
      },
    } as never);
    expect(recorded).toEqual({ id: upper, type: 'Specified', streamId: 'claim-1', revision: 3, position: 1234n, data: { n: 1 }, metadata });
  });

  it('tells system events by stream or type', () => {
    expect(isSystemEvent('$stats-127.0.0.1:2113', '$statsCollected')).toBe(true);
    expect(isSystemEvent('claim-1', '$streamDeleted')).toBe(true);
    expect(isSystemEvent('claim-1', 'ClaimSubmitted')).toBe(false);
  });

  it('recognises a retry only when every event is stored consecutively, in order', () => {
    const events = [newEvent(), newEvent(), newEvent()];
    const log = stored([newEvent(), ...events, newEvent()]);
    const proposed = events.map(toProposedEvent);
    expect(originalResult('s', log, proposed)).toEqual({ nextRevision: 3, position: 130n });
    expect(originalResult('s', log, [newEvent()].map(toProposedEvent))).toBeNull();
    expect(() => originalResult('s', log, [proposed[0]!, toProposedEvent(newEvent())])).toThrow(NotARetry);
    expect(() => originalResult('s', log, [toProposedEvent(newEvent()), proposed[1]!])).toThrow(NotARetry);
    expect(() => originalResult('s', log, [proposed[1]!, proposed[0]!])).toThrow(NotARetry);
  });
});
