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
}

export const withinCutoff = (event: RecordedEvent, cutoff: ReplayCutoff | undefined): boolean =>
  cutoff === undefined ||
  ((cutoff.position === undefined || event.position <= cutoff.position) &&
    (cutoff.recordedAt === undefined || Date.parse(event.metadata.recordedAt) <= Date.parse(cutoff.recordedAt)));

const asFold = (event: RecordedEvent): ClaimFoldEvent => ({ type: event.type, data: event.data }) as ClaimFoldEvent;

/**
 * Loads a claim the way the write side decides and the auditor replays: the claim stream merged,
 * in global order, with the patient payments and refunds that touch it, folded with evolveClaim.
 */
export const loadClaim = async (store: EventStore, claimId: string, cutoff?: ReplayCutoff): Promise<LoadedClaim> => {
  const own = (await store.readStream(claimStreamId(claimId))).filter((e) => withinCutoff(e, cutoff));
  const first = own[0];
  const keys = new Set<string>();
  for (const event of own) if (event.metadata.idempotencyKey !== undefined) keys.add(event.metadata.idempotencyKey);
  if (!first) return { state: initialClaimState, revision: -1, idempotencyKeys: keys, events: [], patientRevision: -1 };

  const patientId = (first.data as { patientId: string }).patientId;
  const patientEvents = await store.readStream(patientStreamId(patientId));
  const touching = patientEvents.filter(
    (e) => withinCutoff(e, cutoff) && touchesClaim(asFold(e) as PatientEvent, claimId),
  );
  const events = [...own, ...touching].sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  const state = events.reduce<ClaimState>((s, e) => evolveClaim(s, asFold(e)), initialClaimState);
  const last = own[own.length - 1] as RecordedEvent;
  return {
    state,
    revision: last.revision,
    idempotencyKeys: keys,
    events: events as RecordedEvent<ClaimFoldEvent['data']>[],
    patientRevision: patientEvents.length - 1,
  };
};

export { asFold as toClaimFoldEvent };
