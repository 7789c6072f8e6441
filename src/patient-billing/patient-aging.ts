/**
 * Patient aging and the collections worklist. A patient balance ages from the date of the first
 * statement that billed it (the patient cannot be late on a bill never sent). Balances on a
 * current payment plan are not delinquent and balances placed with an agency are the agency's:
 * both are reported apart from the buckets. Pure: the per-patient answer feeds it from replayed
 * events, the cross-patient answers from the read model.
 */
import { AGING_BUCKETS, type AgingBucket } from '../claims/claim-view';
import type { Cents } from '../common/money';
import { daysBetween } from './billing-rules';
import { activePlacementOf, currentPlanOf, statementsBilling, type PatientAccount } from './patient-account';

export { AGING_BUCKETS };

/** What aging needs of one claim. */
export interface BillingClaim {
  claimId: string;
  patientId: string;
  dateOfService: string;
  patientBalanceCents: Cents;
  /** Statement date of the first statement that billed the claim; null when never billed. */
  firstStatementDate: string | null;
  lastStatementDate: string | null;
  statementCount: number;
  /** The current plan covering it. */
  planId: string | null;
  placement: { placementId: string; agency: string } | null;
}

/** A claim's billing facts from the patient's account: statements that billed it, its current plan, its placement. */
export const billingClaimOf = (
  account: PatientAccount,
  claim: { claimId: string; patientId: string; dateOfService: string; patientBalanceCents: Cents },
): BillingClaim => {
  const billed = statementsBilling(account, claim.claimId);
  const placement = activePlacementOf(account, claim.claimId);
  return {
    ...claim,
    firstStatementDate: billed[0]?.statementDate ?? null,
    lastStatementDate: billed[billed.length - 1]?.statementDate ?? null,
    statementCount: billed.length,
    planId: currentPlanOf(account, claim.claimId)?.planId ?? null,
    placement: placement ? { placementId: placement.placementId, agency: placement.agency } : null,
  };
};

/** aged: billed, owed, on no plan and not placed (the buckets); the rest are reported apart. */
export type BalanceCategory = 'aged' | 'not_yet_billed' | 'payment_plan' | 'collections' | 'credit';

export interface AgedClaim extends BillingClaim {
  category: BalanceCategory;
  /** Days since the first statement date (aged claims only). */
  ageDays: number | null;
  bucket: AgingBucket | null;
}

export const bucketOf = (days: number): AgingBucket => {
  if (days <= 30) return '0-30';
  if (days <= 60) return '31-60';
  if (days <= 90) return '61-90';
  if (days <= 120) return '91-120';
  return '121+';
};

/** Classifies a claim with a patient balance (≠ 0) at `today` (a calendar date). */
export const ageClaim = (claim: BillingClaim, today: string): AgedClaim => {
  const none = { ageDays: null, bucket: null };
  if (claim.patientBalanceCents < 0) return { ...claim, category: 'credit', ...none };
  if (claim.placement !== null) return { ...claim, category: 'collections', ...none };
  if (claim.planId !== null) return { ...claim, category: 'payment_plan', ...none };
  if (claim.firstStatementDate === null) return { ...claim, category: 'not_yet_billed', ...none };
  const ageDays = Math.max(0, daysBetween(claim.firstStatementDate, today));
  return { ...claim, category: 'aged', ageDays, bucket: bucketOf(ageDays) };
};

export interface AgencyPlacement {
  agency: string;
  claimCount: number;
  balanceCents: Cents;
}

export interface AgingSummary {
  /** Billed balances on no current plan and not placed, by days since the first statement date. */
  buckets: Record<AgingBucket, Cents>;
  notYetBilledCents: Cents;
  onPaymentPlanCents: Cents;
  placedWithCollectionsCents: Cents;
  placedByAgency: AgencyPlacement[];
  /** Unallocated credit plus claims the patient overpaid (a positive number). */
  creditsCents: Cents;
  /** Σ buckets + not yet billed + on plan + placed − credits: the patient balance. */
  totalCents: Cents;
}

export const summarizeAging = (claims: readonly AgedClaim[], unallocatedCreditCents: Cents): AgingSummary => {
  const buckets = Object.fromEntries(AGING_BUCKETS.map((b) => [b, 0])) as Record<AgingBucket, Cents>;
  const agencies = new Map<string, AgencyPlacement>();
  const summary = { notYetBilledCents: 0, onPaymentPlanCents: 0, placedWithCollectionsCents: 0, creditsCents: unallocatedCreditCents };
  for (const claim of claims) {
    const cents = claim.patientBalanceCents;
    switch (claim.category) {
      case 'aged':
        buckets[claim.bucket as AgingBucket] += cents;
        break;
      case 'not_yet_billed':
        summary.notYetBilledCents += cents;
        break;
      case 'payment_plan':
        summary.onPaymentPlanCents += cents;
        break;
      case 'collections': {
        summary.placedWithCollectionsCents += cents;
        const agency = claim.placement?.agency ?? '';
        const row = agencies.get(agency) ?? { agency, claimCount: 0, balanceCents: 0 };
        agencies.set(agency, { agency, claimCount: row.claimCount + 1, balanceCents: row.balanceCents + cents });
        break;
      }
      case 'credit':
        summary.creditsCents -= cents;
        break;
      default: {
        const unknown: never = claim.category;
        return unknown;
      }
    }
  }
  const bucketCents = AGING_BUCKETS.reduce((sum, b) => sum + buckets[b], 0);
  return {
    buckets,
    ...summary,
    placedByAgency: [...agencies.values()].sort((a, b) => a.agency.localeCompare(b.agency)),
    totalCents: bucketCents + summary.notYetBilledCents + summary.onPaymentPlanCents + summary.placedWithCollectionsCents - summary.creditsCents,
  };
};

/** When a balance belongs on the collections worklist (query parameters; defaults from the environment). */
export interface CollectionsPolicy {
  /** The first statement that billed it is more than this many days old. */
  olderThanDays: number;
  /** At least this many statements billed it. */
  minStatements: number;
}

export const COLLECTIONS_OLDER_THAN_DAYS_DEFAULT = 120;
export const COLLECTIONS_MIN_STATEMENTS_DEFAULT = 3;

/** Billed often enough, long enough ago, still owed, on no current plan and not placed. */
export const isCollectible = (claim: AgedClaim, policy: CollectionsPolicy): boolean =>
  claim.category === 'aged' && claim.ageDays !== null && claim.ageDays > policy.olderThanDays && claim.statementCount >= policy.minStatements;

export interface WorklistEntry {
  patientId: string;
  /** Σ of the collectible claims' patient balances. */
  balanceCents: Cents;
  oldestStatementDate: string;
  ageDays: number;
  claims: Array<{
    claimId: string;
    dateOfService: string;
    patientBalanceCents: Cents;
    firstStatementDate: string;
    lastStatementDate: string | null;
    statementCount: number;
    ageDays: number;
  }>;
}

/** One entry per patient with collectible balances, patients in id order. */
export const collectionsWorklist = (claims: readonly AgedClaim[], policy: CollectionsPolicy): WorklistEntry[] => {
  const byPatient = new Map<string, WorklistEntry>();
  for (const claim of claims) {
    if (!isCollectible(claim, policy) || claim.firstStatementDate === null || claim.ageDays === null) continue;
    const entry = byPatient.get(claim.patientId) ?? {
      patientId: claim.patientId,
      balanceCents: 0,
      oldestStatementDate: claim.firstStatementDate,
      ageDays: 0,
      claims: [],
    };
    entry.balanceCents += claim.patientBalanceCents;
    if (claim.firstStatementDate < entry.oldestStatementDate) entry.oldestStatementDate = claim.firstStatementDate;
    entry.ageDays = Math.max(entry.ageDays, claim.ageDays);
    entry.claims.push({
      claimId: claim.claimId,
      dateOfService: claim.dateOfService,
      patientBalanceCents: claim.patientBalanceCents,
      firstStatementDate: claim.firstStatementDate,
      lastStatementDate: claim.lastStatementDate,
      statementCount: claim.statementCount,
      ageDays: claim.ageDays,
    });
    byPatient.set(claim.patientId, entry);
  }
  return [...byPatient.values()].sort((a, b) => a.patientId.localeCompare(b.patientId));
};
