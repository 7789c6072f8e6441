import type { LoadedStream } from '../common/command-handler';
import type { EventStore, Position, RecordedEvent } from '../event-store/event-store';
import { patientStreamId, type PatientEvent } from '../patients/patient';
import { claimStreamId, evolveClaim, initialClaimState, touchesClaim, type ClaimFoldEvent, type ClaimState } from './claim';

/** Where a replay stops: at a global position, or at a recorded instant (both inclusive). */
export interface ReplayCutoff {
  position?: Position;
  recordedAt?: string;
}

export interface LoadedClaim extends LoadedStream<ClaimState> {
  /** Every event that touched the claim, in global order: its own stream and the patient money allocated to it. */
  events: RecordedEvent<ClaimFoldEvent['data']>[];
  /** Revision of the patient stream when it was read (-1 if none). */
  patientRevision: number;
  /** Highest global position among the events read from both streams (0n if none). */
  readThrough: Position;
}

export const withinCutoff = (event: RecordedEvent, cutoff: ReplayCutoff | undefined): boolean =>
  cutoff === undefined ||
  ((cutoff.position === undefined || event.position <= cutoff.position) &&
    (cutoff.recordedAt === undefined || Date.parse(event.metadata.recordedAt) <= Date.parse(cutoff.recordedAt)));

const asFold = (event: RecordedEvent): ClaimFoldEvent => ({ type: event.type, data: event.data }) as ClaimFoldEvent;

const byPosition = (a: RecordedEvent, b: RecordedEvent): number => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0);

const lastPosition = (events: readonly RecordedEvent[]): Position => events[events.length - 1]?.position ?? 0n;

/**
 * Folds what was read of a claim onto `start`: the claim stream's events merged, in global order,
 * with the patient payments and refunds among `patientEvents` that touch the claim.
 */
export const foldClaimEvents = (
  start: LoadedStream<ClaimState>,
  claimId: string,
  own: readonly RecordedEvent[],
  patientEvents: readonly RecordedEvent[],
): Pick<LoadedClaim, 'state' | 'revision' | 'idempotencyKeys' | 'events'> => {
  const keys = new Set(start.idempotencyKeys);
  for (const event of own) if (event.metadata.idempotencyKey !== undefined) keys.add(event.metadata.idempotencyKey);
  const touching = patientEvents.filter((e) => touchesClaim(asFold(e) as PatientEvent, claimId));
  const events = touching.length === 0 ? [...own] : [...own, ...touching].sort(byPosition);
  const state = events.reduce<ClaimState>((s, e) => evolveClaim(s, asFold(e)), start.state);
  return {
    state,
    revision: own[own.length - 1]?.revision ?? start.revision,
    idempotencyKeys: keys,
    events: events as RecordedEvent<ClaimFoldEvent['data']>[],
  };
};

/**
 * Loads a claim the way the write side decides and the auditor replays: the claim stream merged,
 * in global order, with the patient payments and refunds that touch it, folded with evolveClaim.
 */
export const loadClaim = async (store: EventStore, claimId: string, cutoff?: ReplayCutoff): Promise<LoadedClaim> => {
  const own = (await store.readStream(claimStreamId(claimId))).filter((e) => withinCutoff(e, cutoff));
  const first = own[0];
  const start: LoadedStream<ClaimState> = { state: initialClaimState, revision: -1, idempotencyKeys: new Set<string>() };
  if (!first) return { ...start, events: [], patientRevision: -1, readThrough: 0n };

  const patientId = (first.data as { patientId: string }).patientId;
  const patientEvents = await store.readStream(patientStreamId(patientId));
  const withinPatient = cutoff === undefined ? patientEvents : patientEvents.filter((e) => withinCutoff(e, cutoff));
  const readThrough = [lastPosition(own), lastPosition(patientEvents)].reduce((a, b) => (a > b ? a : b));
  return { ...foldClaimEvents(start, claimId, own, withinPatient), patientRevision: patientEvents.length - 1, readThrough };
};

export { asFold as toClaimFoldEvent };
