import { balancesOf } from '../claims/claim';
import type { RecordedEvent } from '../event-store/event-store';
import type { Projection } from '../projections/projection';
import { statement, type ReadDatabase } from '../projections/read-store';
import { JOURNAL_EVENT_TYPES, postEntry, type ClaimBook, type LedgerClaim, type SourceEvent } from './journal';

export const toSourceEvent = (event: RecordedEvent): SourceEvent => ({
  id: event.id,
  position: event.position,
  streamId: event.streamId,
  type: event.type,
  data: event.data,
  recordedAt: event.metadata.recordedAt,
});

/** The journal projection's claims, kept in its own table: it posts from the claim as it stood before each event. */
const readClaim = (db: ReadDatabase, claimId: string): LedgerClaim | undefined => {
  const row = statement(db, 'SELECT state FROM journal_claims WHERE claim_id = ?').get(claimId) as { state: string } | undefined;
  return row === undefined ? undefined : (JSON.parse(row.state) as LedgerClaim);
};

const writeClaim = (db: ReadDatabase, claimId: string, ledgerClaim: LedgerClaim): void => {
  const balances = balancesOf(ledgerClaim.claim.money);
  statement(
    db,
    `INSERT INTO journal_claims (claim_id, payer_id, patient_id, first_submitted_at, payer_balance_cents, patient_balance_cents, patient_owes_since, state)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (claim_id) DO UPDATE SET payer_balance_cents = excluded.payer_balance_cents,
       patient_balance_cents = excluded.patient_balance_cents, patient_owes_since = excluded.patient_owes_since, state = excluded.state`,
  ).run(
    claimId,
    ledgerClaim.claim.payerId,
    ledgerClaim.claim.patientId,
    ledgerClaim.claim.firstSubmittedAt,
    balances.payerBalanceCents,
    balances.patientBalanceCents,
    ledgerClaim.patientOwesSince,
    JSON.stringify(ledgerClaim),
  );
};

/**
 * What the batch being applied changed, kept in memory until its end: a claim's several events in
 * one batch cost one read and one write, and account totals one update per account.
 */
interface JournalBatch {
  claims: Map<string, LedgerClaim>;
  accounts: Map<string, { debitCents: number; creditCents: number }>;
}
const batches = new WeakMap<ReadDatabase, JournalBatch>();
const batchOf = (db: ReadDatabase): JournalBatch => {
  let batch = batches.get(db);
  if (!batch) batches.set(db, (batch = { claims: new Map(), accounts: new Map() }));
  return batch;
};

const batchBook = (db: ReadDatabase): ClaimBook => {
  const { claims } = batchOf(db);
  return {
    get: (claimId) => claims.get(claimId) ?? readClaim(db, claimId),
    set: (claimId, ledgerClaim) => void claims.set(claimId, ledgerClaim),
  };
};

/**
 * The double-entry journal as a read model: every posting (append-only; posting n of an event is
 * its lines 2n−1, the debit, and 2n, the credit), the event fields its lines share once per
 * event, running totals per account, and per claim what current aging needs. Current answers
 * (GET /ledger/journal, the trial balance and aging without asOf) read it; as-of answers replay
 * the events instead.
 */
export const journalProjection: Projection = {
  name: 'journal',
  version: 2,
  handles: JOURNAL_EVENT_TYPES,

  setup(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS journal_events (
        position INTEGER PRIMARY KEY,
        event_id TEXT NOT NULL,
        event_type TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        business_at TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS journal_postings (
        position INTEGER NOT NULL,
        posting_number INTEGER NOT NULL,
        debit_account TEXT NOT NULL,
        credit_account TEXT NOT NULL,
        amount_cents INTEGER NOT NULL,
        claim_id TEXT,
        payer_id TEXT,
        patient_id TEXT,
        memo TEXT NOT NULL,
        PRIMARY KEY (position, posting_number)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS journal_accounts (
        account TEXT PRIMARY KEY,
        debit_cents INTEGER NOT NULL,
        credit_cents INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS journal_claims (
        claim_id TEXT PRIMARY KEY,
        payer_id TEXT NOT NULL,
        patient_id TEXT NOT NULL,
        first_submitted_at TEXT NOT NULL,
        payer_balance_cents INTEGER NOT NULL,
        patient_balance_cents INTEGER NOT NULL,
        patient_owes_since TEXT,
        state TEXT NOT NULL
      );
    `);
  },

  setupIndexes(db) {
    db.exec(`
      CREATE INDEX IF NOT EXISTS journal_postings_by_claim ON journal_postings (claim_id, position, posting_number) WHERE claim_id IS NOT NULL;
      CREATE INDEX IF NOT EXISTS journal_postings_by_patient ON journal_postings (patient_id, position, posting_number) WHERE patient_id IS NOT NULL;
    `);
  },

  drop(db) {
    db.exec(`DROP TABLE IF EXISTS journal_events; DROP TABLE IF EXISTS journal_postings; DROP TABLE IF EXISTS journal_accounts;
      DROP TABLE IF EXISTS journal_claims; DROP TABLE IF EXISTS journal_lines;`);
  },

  apply(db, event) {
    const entry = postEntry(toSourceEvent(event), batchBook(db));
    if (entry === null) return;
    const { accounts } = batchOf(db);
    statement(db, 'INSERT INTO journal_events (position, event_id, event_type, recorded_at, business_at) VALUES (?, ?, ?, ?, ?)').run(
      entry.position,
      entry.eventId,
      entry.eventType,
      entry.recordedAt,
      entry.businessAt,
    );
    const insert = statement(
      db,
      `INSERT INTO journal_postings (position, posting_number, debit_account, credit_account, amount_cents, claim_id, payer_id, patient_id, memo)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    entry.postings.forEach((posting, i) => {
      insert.run(entry.position, i + 1, posting.debitAccount, posting.creditAccount, posting.amountCents, posting.claimId, posting.payerId, posting.patientId, posting.memo);
      totalOf(accounts, posting.debitAccount).debitCents += posting.amountCents;
      totalOf(accounts, posting.creditAccount).creditCents += posting.amountCents;
    });
  },

  endBatch(db) {
    const batch = batchOf(db);
    for (const [claimId, ledgerClaim] of batch.claims) writeClaim(db, claimId, ledgerClaim);
    for (const [account, total] of batch.accounts) {
      statement(
        db,
        `INSERT INTO journal_accounts (account, debit_cents, credit_cents) VALUES (?, ?, ?)
         ON CONFLICT (account) DO UPDATE SET debit_cents = debit_cents + excluded.debit_cents, credit_cents = credit_cents + excluded.credit_cents`,
      ).run(account, total.debitCents, total.creditCents);
    }
    batch.claims.clear();
    batch.accounts.clear();
  },

  abortBatch(db) {
    batchOf(db).claims.clear();
    batchOf(db).accounts.clear();
  },
};

const totalOf = (accounts: JournalBatch['accounts'], account: string): { debitCents: number; creditCents: number } => {
  let total = accounts.get(account);
  if (!total) accounts.set(account, (total = { debitCents: 0, creditCents: 0 }));
  return total;
};
