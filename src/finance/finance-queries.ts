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
    const params: Record<string, string | number | bigint> = { limit: filter.limit + 1 };
    if (filter.claimId !== undefined) (where.push('claim_id = @claimId'), (params['claimId'] = filter.claimId));
    if (filter.patientId !== undefined) (where.push('patient_id = @patientId'), (params['patientId'] = filter.patientId));
    if (filter.cursor !== undefined) {
      const [position, lineNumber] = decodeCursor(filter.cursor);
      where.push('(position > @afterPosition OR (position = @afterPosition AND line_number > @afterLine))');
      params['afterPosition'] = position;
      params['afterLine'] = lineNumber;
    }
    const rows = statement(
      this.db,
      `SELECT position, line_number, event_id, event_type, account, debit_cents, credit_cents, claim_id, payer_id, patient_id, recorded_at, business_at, memo
       FROM journal_lines ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY position, line_number LIMIT @limit`,
    )
      .safeIntegers(true)
      .all(params) as Array<Record<string, string | bigint | null>>;
    const lines = rows.slice(0, filter.limit).map(
      (r): JournalLineView => ({
        position: String(r['position']),
        lineNumber: Number(r['line_number']),
        eventId: r['event_id'] as string,
        eventType: r['event_type'] as string,
        account: r['account'] as string,
        debitCents: Number(r['debit_cents']),
        creditCents: Number(r['credit_cents']),
        claimId: r['claim_id'] as string | null,
        payerId: r['payer_id'] as string | null,
        patientId: r['patient_id'] as string | null,
        recordedAt: r['recorded_at'] as string,
        businessAt: r['business_at'] as string,
        memo: r['memo'] as string,
      }),
    );
    const last = lines[lines.length - 1];
    return rows.length > filter.limit && last !== undefined
      ? { lines, nextCursor: encodeCursor(BigInt(last.position), last.lineNumber) }
      : { lines };
  }
}
