import { balancesOf, CLAIM_EVENT_TYPES, evolveClaim, type Claim, type ClaimFoldEvent, type ClaimState } from '../claims/claim';
import type { RecordedEvent } from '../event-store/event-store';
import type { PatientPaymentReceived, PatientRefundIssued } from '../patients/patient';
import type { Projection } from './projection';
import { statement, type ReadDatabase } from './read-store';

/** One row per claim: status and balances, folded with the same evolveClaim the write side decides with. */
export const claimsProjection: Projection = {
  name: 'claims',
  version: 1,
  handles: new Set([...CLAIM_EVENT_TYPES, 'PatientPaymentReceived', 'PatientRefundIssued']),

  setup(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS claims (
        claim_id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        patient_id TEXT NOT NULL,
        payer_id TEXT NOT NULL,
        encounter_id TEXT NOT NULL,
        submission_count INTEGER NOT NULL,
        revision INTEGER NOT NULL,
        first_submitted_at TEXT NOT NULL,
        payer_balance_cents INTEGER NOT NULL,
        patient_balance_cents INTEGER NOT NULL,
        balance_cents INTEGER NOT NULL,
        state TEXT NOT NULL
      )
    `);
  },

  setupIndexes(db) {
    db.exec(`
      CREATE INDEX IF NOT EXISTS claims_by_status ON claims (status, claim_id);
      CREATE INDEX IF NOT EXISTS claims_by_payer ON claims (payer_id, claim_id);
      CREATE INDEX IF NOT EXISTS claims_by_patient ON claims (patient_id, claim_id);
    `);
  },

  drop(db) {
    db.exec('DROP TABLE IF EXISTS claims');
  },

  apply(db, event) {
    const fold = { type: event.type, data: event.data } as ClaimFoldEvent;
    const batch = batchOf(db);
    if (CLAIM_EVENT_TYPES.has(event.type)) {
      const claimId = (event.data as { claimId: string }).claimId;
      const next = evolveClaim(batch.get(claimId)?.claim ?? load(db, claimId), fold);
      if (next !== null) batch.set(claimId, { claim: next, revision: event.revision });
      return;
    }
    for (const claimId of claimsTouched(event as RecordedEvent<(PatientPaymentReceived | PatientRefundIssued)['data']>)) {
      const current = batch.get(claimId) ?? loadWithRevision(db, claimId);
      if (current !== null) batch.set(claimId, { claim: evolveClaim(current.claim, fold) as Claim, revision: current.revision });
    }
  },

  endBatch(db) {
    const batch = batchOf(db);
    for (const { claim, revision } of batch.values()) save(db, claim, revision);
    batch.clear();
  },

  abortBatch(db) {
    batchOf(db).clear();
  },
};

/**
 * Claims touched by the batch being applied, kept in memory until its end: a claim's several
 * events in one batch cost one read and one write, not one of each per event.
 */
const batches = new WeakMap<ReadDatabase, Map<string, { claim: Claim; revision: number }>>();
const batchOf = (db: ReadDatabase): Map<string, { claim: Claim; revision: number }> => {
  let batch = batches.get(db);
  if (!batch) batches.set(db, (batch = new Map()));
  return batch;
};

const loadWithRevision = (db: ReadDatabase, claimId: string): { claim: Claim; revision: number } | null => {
  const row = statement(db, 'SELECT state, revision FROM claims WHERE claim_id = ?').get(claimId) as { state: string; revision: number } | undefined;
  return row ? { claim: JSON.parse(row.state) as Claim, revision: row.revision } : null;
};

const claimsTouched = (event: RecordedEvent<(PatientPaymentReceived | PatientRefundIssued)['data']>): string[] => {
  if (event.type === 'PatientPaymentReceived') return (event.data as PatientPaymentReceived['data']).allocations.map((a) => a.claimId);
  const claimId = (event.data as PatientRefundIssued['data']).claimId;
  return claimId === undefined ? [] : [claimId];
};

const load = (db: ReadDatabase, claimId: string): ClaimState => {
  const row = statement(db, 'SELECT state FROM claims WHERE claim_id = ?').get(claimId) as { state: string } | undefined;
  return row ? (JSON.parse(row.state) as Claim) : null;
};

const save = (db: ReadDatabase, claim: ClaimState, revision: number): void => {
  if (claim === null) return;
  const balances = balancesOf(claim.money);
  statement(db, 
    `INSERT INTO claims (claim_id, status, patient_id, payer_id, encounter_id, submission_count, revision, first_submitted_at,
       payer_balance_cents, patient_balance_cents, balance_cents, state)
     VALUES (@claimId, @status, @patientId, @payerId, @encounterId, @submissionCount, @revision, @firstSubmittedAt,
       @payerBalanceCents, @patientBalanceCents, @balanceCents, @state)
     ON CONFLICT (claim_id) DO UPDATE SET status = excluded.status, submission_count = excluded.submission_count,
       revision = excluded.revision, payer_balance_cents = excluded.payer_balance_cents,
       patient_balance_cents = excluded.patient_balance_cents, balance_cents = excluded.balance_cents, state = excluded.state`,
  ).run({
    claimId: claim.claimId,
    status: claim.status,
    patientId: claim.patientId,
    payerId: claim.payerId,
    encounterId: claim.encounterId,
    submissionCount: claim.submissionCount,
    revision,
    firstSubmittedAt: claim.firstSubmittedAt,
    payerBalanceCents: balances.payerBalanceCents,
    patientBalanceCents: balances.patientBalanceCents,
    balanceCents: balances.balanceCents,
    state: JSON.stringify(claim),
  });
};
