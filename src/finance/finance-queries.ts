import type { ReplayCutoff } from '../claims/claim-repository';
import { AGING_BUCKETS, type AgingBucket } from '../claims/claim-view';
import { InvalidInput } from '../common/errors';
import type { Cents } from '../common/money';
import type { EventStore } from '../event-store/event-store';
import { statement, type ReadDatabase } from '../projections/read-store';
import { AgingAccumulator, agingInputOf, type Aging, type AgingRow } from './aging';
import { PATIENT_CREDITS, type AccountCode } from './chart-of-accounts';
import { replayLedger } from './ledger-replay';
import { trialBalanceOf, type TrialBalance } from './trial-balance';

export const JOURNAL_LIMIT_MAX = 1_000;

export interface TrialBalanceView extends TrialBalance {
  /** The as-of instant asked for, when one was. */
  asOf?: string;
  /** The last position the answer includes. */
  position: string;
}

export interface AgingBucketsView {
  claimCount: number;
  aging: Record<AgingBucket, Cents>;
  totalCents: Cents;
}

export interface AgingView {
  asOf: string;
  position: string;
  payers: Array<AgingBucketsView & { payerId: string }>;
  patients: AgingBucketsView & { creditsCents: Cents };
}

export interface JournalLineView {
  position: string;
  lineNumber: number;
  eventId: string;
  eventType: string;
  account: string;
  debitCents: Cents;
  creditCents: Cents;
  claimId: string | null;
  payerId: string | null;
  patientId: string | null;
  recordedAt: string;
  businessAt: string;
  memo: string;
}

const buckets = (row: AgingRow): AgingBucketsView => ({
  claimCount: row.claimCount,
  aging: Object.fromEntries(AGING_BUCKETS.map((b) => [b, row.buckets[b]])) as Record<AgingBucket, Cents>,
  totalCents: row.totalCents,
});

export const agingView = (aging: Aging, position: string): AgingView => ({
  asOf: aging.asOf,
  position,
  payers: aging.payers.map((p) => ({ payerId: p.id, ...buckets(p) })),
  patients: { ...buckets(aging.patients), creditsCents: aging.patients.creditsCents },
});

const encodeCursor = (position: bigint, lineNumber: number): string => Buffer.from(`${position}:${lineNumber}`, 'utf8').toString('base64url');
const decodeCursor = (cursor: string): [bigint, number] => {
  const match = /^(\d{1,19}):(\d{1,6})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (match === null) throw new InvalidInput('cursor is not one this API gave out', [{ field: 'cursor', message: 'opaque' }]);
  return [BigInt(match[1] as string), Number(match[2])];
};

/**
 * Finance reads. Current answers come from the journal projection; as-of answers replay the
 * events up to the cutoff (never a mutable copy), like every other as-of read of the ledger.
 */
export class FinanceQueries {
  constructor(
    private readonly db: ReadDatabase,
    private readonly store: EventStore,
  ) {}

  /** Where the journal projection stands (its checkpoint). */
  journalPosition(): string {
    const row = statement(this.db, "SELECT position FROM projection_checkpoints WHERE name = 'journal'").safeIntegers(true).get() as
      | { position: bigint }
      | undefined;
    return (row?.position ?? 0n).toString(10);
  }

  currentTrialBalance(): TrialBalanceView {
    const rows = statement(this.db, 'SELECT account, debit_cents, credit_cents FROM journal_accounts').all() as Array<{
      account: AccountCode;
      debit_cents: number;
      credit_cents: number;
    }>;
    return {
      position: this.journalPosition(),
      ...trialBalanceOf(rows.map((r) => ({ account: r.account, debitCents: r.debit_cents, creditCents: r.credit_cents }))),
    };
  }

  async trialBalanceAsOf(cutoff: ReplayCutoff & { asOf?: string }): Promise<TrialBalanceView> {
    const replay = await replayLedger(this.store, cutoff);
    replay.book.close();
    return {
      ...(cutoff.asOf !== undefined && { asOf: cutoff.asOf }),
      position: replay.position.toString(10),
      ...replay.trialBalance.result(),
    };
  }

  currentAging(asOf: Date): AgingView {
    const accumulator = new AgingAccumulator(asOf);
    const rows = statement(
      this.db,
      'SELECT payer_id, first_submitted_at, payer_balance_cents, patient_balance_cents, patient_owes_since FROM journal_claims',
    ).iterate() as IterableIterator<{
      payer_id: string;
      first_submitted_at: string;
      payer_balance_cents: number;
      patient_balance_cents: number;
      patient_owes_since: string | null;
    }>;
    for (const r of rows) {
      accumulator.add({
        payerId: r.payer_id,
        firstSubmittedAt: r.first_submitted_at,
        payerBalanceCents: r.payer_balance_cents,
        patientBalanceCents: r.patient_balance_cents,
        patientOwesSince: r.patient_owes_since,
      });
    }
    const credit = statement(this.db, 'SELECT debit_cents, credit_cents FROM journal_accounts WHERE account = ?').get(PATIENT_CREDITS) as
      | { debit_cents: number; credit_cents: number }
      | undefined;
    return agingView(accumulator.result(credit === undefined ? 0 : credit.credit_cents - credit.debit_cents), this.journalPosition());
  }

  async agingAsOf(cutoff: ReplayCutoff, agingAsOf: Date): Promise<AgingView> {
    const replay = await replayLedger(this.store, cutoff);
    try {
      const accumulator = new AgingAccumulator(agingAsOf);
      for (const claim of replay.book.claimsInOrder()) accumulator.add(agingInputOf(claim));
      return agingView(accumulator.result(replay.unallocatedCreditCents), replay.position.toString(10));
    } finally {
      replay.book.close();
    }
  }

  journal(filter: { claimId?: string; patientId?: string; limit: number; cursor?: string }): { lines: JournalLineView[]; nextCursor?: string } {
    const where: string[] = [];
    // Posting n holds lines 2n−1 and 2n: one more line than the page means one posting more, and the cursor's own posting may hold the next line.
    const params: Record<string, string | number | bigint> = { limit: Math.ceil((filter.limit + 1) / 2) + 1 };
    if (filter.claimId !== undefined) (where.push('p.claim_id = @claimId'), (params['claimId'] = filter.claimId));
    if (filter.patientId !== undefined) (where.push('p.patient_id = @patientId'), (params['patientId'] = filter.patientId));
    let after: [bigint, number] | undefined;
    if (filter.cursor !== undefined) {
      after = decodeCursor(filter.cursor);
      where.push('(p.position, p.posting_number) >= (@afterPosition, @afterPosting)');
      params['afterPosition'] = after[0];
      params['afterPosting'] = Math.ceil(after[1] / 2);
    }
    const rows = statement(
      this.db,
      `SELECT p.position, p.posting_number, e.event_id, e.event_type, p.debit_account, p.credit_account, p.amount_cents, p.claim_id, p.payer_id,
         p.patient_id, e.recorded_at, e.business_at, p.memo
       FROM journal_postings p JOIN journal_events e ON e.position = p.position
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY p.position, p.posting_number LIMIT @limit`,
    )
      .safeIntegers(true)
      .all(params) as PostingRow[];
    const all: JournalLineView[] = [];
    for (const r of rows) {
      const position = String(r.position);
      const postingNumber = Number(r.posting_number);
      const amountCents = Number(r.amount_cents);
      const line = (lineNumber: number, account: string, debitCents: Cents, creditCents: Cents): JournalLineView => ({
        position,
        lineNumber,
        eventId: r.event_id,
        eventType: r.event_type,
        account,
        debitCents,
        creditCents,
        claimId: r.claim_id,
        payerId: r.payer_id,
        patientId: r.patient_id,
        recordedAt: r.recorded_at,
        businessAt: r.business_at,
        memo: r.memo,
      });
      for (const l of [line(2 * postingNumber - 1, r.debit_account, amountCents, 0), line(2 * postingNumber, r.credit_account, 0, amountCents)]) {
        if (after === undefined || BigInt(l.position) > after[0] || l.lineNumber > after[1]) all.push(l);
      }
    }
    const lines = all.slice(0, filter.limit);
    const last = lines[lines.length - 1];
    return all.length > filter.limit && last !== undefined ? { lines, nextCursor: encodeCursor(BigInt(last.position), last.lineNumber) } : { lines };
  }
}

interface PostingRow {
  position: bigint;
  posting_number: bigint;
  event_id: string;
  event_type: string;
  debit_account: string;
  credit_account: string;
  amount_cents: bigint;
  claim_id: string | null;
  payer_id: string | null;
  patient_id: string | null;
  recorded_at: string;
  business_at: string;
  memo: string;
}
