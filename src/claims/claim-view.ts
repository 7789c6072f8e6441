import type { Cents } from '../common/money';
import { expectedAllowedOf } from '../contracts/pricing';
import type { ScrubFinding } from '../scrubbing/edits';
import { balancesOf, type Claim, type ClaimBalances, type ClaimLine, type ClaimStatus, type RemittanceRecord } from './claim';

/** A line as the API shows it: with what the payer's contract says it should allow (null: not priced). */
export interface ClaimViewLine extends ClaimLine {
  expectedAllowedCents: Cents | null;
}

/** The claim as the API shows it (GET /claims/{id}); `revision` is the claim stream's, also sent as the ETag. */
export interface ClaimView {
  claimId: string;
  status: ClaimStatus;
  patientId: string;
  payerId: string;
  encounterId: string;
  memberId: string;
  providerNpi: string;
  dateOfService: string;
  frequencyCode: string;
  submissionCount: number;
  firstSubmittedAt: string;
  revision: number;
  diagnoses: string[];
  lines: ClaimViewLine[];
  /** Σ of the lines' expected allowed amounts, from the fee schedule in force when the latest submission went out; null when not priced. */
  expectedAllowedCents: Cents | null;
  /** The fee schedule the expected amounts come from; null when not priced. */
  feeScheduleId: string | null;
  /** Warning edits the latest submission went out with. */
  scrubWarnings: ScrubFinding[];
  remittances: RemittanceRecord[];
  balances: ClaimBalances;
}

export const toClaimView = (claim: Claim, revision: number): ClaimView => ({
  claimId: claim.claimId,
  status: claim.status,
  patientId: claim.patientId,
  payerId: claim.payerId,
  encounterId: claim.encounterId,
  memberId: claim.memberId,
  providerNpi: claim.providerNpi,
  dateOfService: claim.dateOfService,
  frequencyCode: claim.frequencyCode,
  submissionCount: claim.submissionCount,
  firstSubmittedAt: claim.firstSubmittedAt,
  revision,
  diagnoses: claim.diagnoses,
  lines: claim.lines.map((line) => ({ ...line, expectedAllowedCents: expectedAllowedOf(claim.expectedPayment, line.lineNumber) })),
  expectedAllowedCents: claim.expectedPayment?.expectedAllowedCents ?? null,
  feeScheduleId: claim.expectedPayment?.scheduleId ?? null,
  scrubWarnings: claim.scrubWarnings ?? [],
  remittances: claim.remittances,
  balances: balancesOf(claim.money),
});

export const AGING_BUCKETS = ['0-30', '31-60', '61-90', '91-120', '121+'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];
const DAY_MS = 86_400_000;

/** Payer A/R ages by whole days since the claim was first submitted. */
export const agingBucket = (firstSubmittedAt: string, asOf: Date): AgingBucket => {
  const days = Math.floor((asOf.getTime() - Date.parse(firstSubmittedAt)) / DAY_MS);
  if (days <= 30) return '0-30';
  if (days <= 60) return '31-60';
  if (days <= 90) return '61-90';
  if (days <= 120) return '91-120';
  return '121+';
};

export interface PayerBalanceView {
  payerId: string;
  asOf: string;
  payerBalanceCents: Cents;
  claimCount: number;
  aging: Record<AgingBucket, Cents>;
}

/** Sums payer balances into aging buckets; `claimCount` counts claims with a payer balance. */
export const payerBalanceView = (
  payerId: string,
  asOf: Date,
  claims: ReadonlyArray<{ firstSubmittedAt: string; payerBalanceCents: Cents }>,
): PayerBalanceView => {
  const aging = Object.fromEntries(AGING_BUCKETS.map((b) => [b, 0])) as Record<AgingBucket, Cents>;
  let total = 0;
  let count = 0;
  for (const claim of claims) {
    if (claim.payerBalanceCents === 0) continue;
    aging[agingBucket(claim.firstSubmittedAt, asOf)] += claim.payerBalanceCents;
    total += claim.payerBalanceCents;
    count += 1;
  }
  return { payerId, asOf: asOf.toISOString(), payerBalanceCents: total, claimCount: count, aging };
};

export interface PatientBalanceView {
  patientId: string;
  asOf?: string;
  balanceCents: Cents;
  unallocatedCreditCents: Cents;
  claims: Array<{ claimId: string; status: ClaimStatus; dateOfService: string; patientBalanceCents: Cents }>;
}

/** balanceCents = Σ claim patient balances − unallocated credit. */
export const patientBalanceView = (
  patientId: string,
  unallocatedCreditCents: Cents,
  claims: ReadonlyArray<{ claimId: string; status: ClaimStatus; dateOfService: string; patientBalanceCents: Cents }>,
): PatientBalanceView => ({
  patientId,
  balanceCents: claims.reduce((sum, c) => sum + c.patientBalanceCents, 0) - unallocatedCreditCents,
  unallocatedCreditCents,
  claims: [...claims],
});
