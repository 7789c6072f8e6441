import { balancesOf } from '../claims/claim';
import { AGING_BUCKETS, agingBucket, type AgingBucket } from '../claims/claim-view';
import type { Cents } from '../common/money';
import type { LedgerClaim } from './journal';

/**
 * A/R aging as of an instant. Payer A/R ages by days since the claim was first submitted (as
 * GET /payers/{id}/balance does); patient A/R by days since the patient began to owe on the claim
 * (the business date of the remittance that shifted money to the patient, or whatever event
 * brought the claim's patient balance above zero again). Buckets: 0-30, 31-60, 61-90, 91-120,
 * 121+ days ("120+" in the issue: more than 120 days).
 */

export interface AgingRow {
  /** `payer` (one row per payer) or `patients` (all patients together). */
  scope: 'payer' | 'patients';
  /** The payer id; `*` for the patients row. */
  id: string;
  /** Claims with a balance in the buckets (above zero). */
  claimCount: number;
  buckets: Record<AgingBucket, Cents>;
  /**
   * Patients only: what the practice owes patients and nets against their balances: unallocated
   * credit plus claims the patient overpaid (a patient balance below zero). 0 for payers.
   */
  creditsCents: Cents;
  /** Σ buckets − credits: for a payer Σ its claims' payer balances, for patients Σ patient balances. */
  totalCents: Cents;
}

export interface Aging {
  asOf: string;
  payers: AgingRow[];
  patients: AgingRow;
}

const emptyBuckets = (): Record<AgingBucket, Cents> => Object.fromEntries(AGING_BUCKETS.map((b) => [b, 0])) as Record<AgingBucket, Cents>;

const row = (scope: AgingRow['scope'], id: string): AgingRow => ({ scope, id, claimCount: 0, buckets: emptyBuckets(), creditsCents: 0, totalCents: 0 });

/** What aging needs of one claim (from the replayed books, or from the journal projection's table). */
export interface AgingInput {
  payerId: string;
  firstSubmittedAt: string;
  payerBalanceCents: Cents;
  patientBalanceCents: Cents;
  patientOwesSince: string | null;
}

export const agingInputOf = (ledgerClaim: LedgerClaim): AgingInput => {
  const balances = balancesOf(ledgerClaim.claim.money);
  return {
    payerId: ledgerClaim.claim.payerId,
    firstSubmittedAt: ledgerClaim.claim.firstSubmittedAt,
    payerBalanceCents: balances.payerBalanceCents,
    patientBalanceCents: balances.patientBalanceCents,
    patientOwesSince: ledgerClaim.patientOwesSince,
  };
};

/** Ages claims one at a time (they may stream from a file), then adds the unallocated patient credit. */
export class AgingAccumulator {
  private readonly payers = new Map<string, AgingRow>();
  private readonly patients = row('patients', '*');

  constructor(private readonly asOf: Date) {}

  add(claim: AgingInput): void {
    const balances = claim;
    let payer = this.payers.get(claim.payerId);
    if (payer === undefined) this.payers.set(claim.payerId, (payer = row('payer', claim.payerId)));
    if (balances.payerBalanceCents !== 0) {
      payer.buckets[agingBucket(claim.firstSubmittedAt, this.asOf)] += balances.payerBalanceCents;
      payer.totalCents += balances.payerBalanceCents;
      payer.claimCount += 1;
    }
    if (balances.patientBalanceCents > 0) {
      this.patients.buckets[agingBucket(claim.patientOwesSince ?? claim.firstSubmittedAt, this.asOf)] += balances.patientBalanceCents;
      this.patients.claimCount += 1;
    } else if (balances.patientBalanceCents < 0) {
      this.patients.creditsCents -= balances.patientBalanceCents;
    }
    this.patients.totalCents += balances.patientBalanceCents;
  }

  result(unallocatedCreditCents: Cents): Aging {
    const patients = {
      ...this.patients,
      creditsCents: this.patients.creditsCents + unallocatedCreditCents,
      totalCents: this.patients.totalCents - unallocatedCreditCents,
    };
    // Payers in code-unit order of their ids: the same order every time, whatever order claims came in.
    const payers = [...this.payers.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { asOf: this.asOf.toISOString(), payers, patients };
  }
}
