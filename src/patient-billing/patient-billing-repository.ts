/** Loading what the patient-billing commands and queries decide on: the patient stream and the patient's claims. */
import type { Claim } from '../claims/claim';
import { loadClaim, toClaimFoldEvent, withinCutoff, type ReplayCutoff } from '../claims/claim-repository';
import type { LoadedStream } from '../common/command-handler';
import type { EventStore, RecordedEvent } from '../event-store/event-store';
import { patientStreamId, type PatientStreamEvent } from '../patients/patient';
import { statement, type ReadDatabase } from '../projections/read-store';
import type { ClaimAtCutoff, RecordedPatientEvent } from './issue-statement/issue-statement';
import { foldPatientAccount, type PatientAccount } from './patient-account';

export const toPatientStreamEvent = (event: RecordedEvent): PatientStreamEvent => ({ type: event.type, data: event.data }) as PatientStreamEvent;

export interface LoadedPatientAccount extends LoadedStream<PatientAccount> {
  /** The patient stream as recorded (within the cutoff, when one was given). */
  records: RecordedEvent[];
}

/** The patient stream folded into the billing account (statements, plans, placements), with its idempotency keys. */
export const loadPatientAccount = async (store: EventStore, patientId: string, cutoff?: ReplayCutoff): Promise<LoadedPatientAccount> => {
  const all = await store.readStream(patientStreamId(patientId));
  const records = cutoff === undefined ? all : all.filter((e) => withinCutoff(e, cutoff));
  const keys = new Set<string>();
  for (const event of records) if (event.metadata.idempotencyKey !== undefined) keys.add(event.metadata.idempotencyKey);
  return {
    state: foldPatientAccount(patientId, records.map(toPatientStreamEvent)),
    revision: all.length - 1,
    idempotencyKeys: keys,
    records,
  };
};

export const recordedPatientEvents = (records: readonly RecordedEvent[]): RecordedPatientEvent[] =>
  records.map((e) => ({ event: toPatientStreamEvent(e), recordedAt: e.metadata.recordedAt }));

/**
 * The patient's claim ids, from the claims projection (the one index from patient to claims).
 * Each command and query then replays every claim from its events.
 */
export const patientClaimIds = (db: ReadDatabase, patientId: string): string[] =>
  (statement(db, 'SELECT claim_id FROM claims WHERE patient_id = ? ORDER BY claim_id').all(patientId) as Array<{ claim_id: string }>).map((r) => r.claim_id);

/** Claims replayed at the cut-off with the events that made them; claims that did not exist then are left out. */
export const loadClaimsAtCutoff = async (store: EventStore, claimIds: readonly string[], cutoff?: ReplayCutoff): Promise<ClaimAtCutoff[]> => {
  const claims: ClaimAtCutoff[] = [];
  for (const claimId of claimIds) {
    const loaded = await loadClaim(store, claimId, cutoff);
    if (loaded.state !== null) claims.push({ claim: loaded.state, events: loaded.events.map(toClaimFoldEvent) });
  }
  return claims;
};

/** The named claims as they stand now; unknown ids are left out (the decider says NOT_PATIENTS_CLAIM). */
export const loadClaims = async (store: EventStore, claimIds: readonly string[]): Promise<Map<string, Claim>> => {
  const claims = new Map<string, Claim>();
  for (const { claim } of await loadClaimsAtCutoff(store, claimIds)) claims.set(claim.claimId, claim);
  return claims;
};
