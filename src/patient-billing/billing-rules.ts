/** Rules and calendar arithmetic shared by the patient-billing deciders. Pure. */
import assert from 'node:assert';
import { balancesOf, type Claim } from '../claims/claim';
import { isIsoDate } from '../common/dates';
import { InvalidInput, RuleViolation } from '../common/errors';
import type { Cents } from '../common/money';
import { activePlacementOf, currentPlanOf, type PatientAccount } from './patient-account';

/** Claims one plan or one placement may name: a patient's open balances, never a bulk job. */
export const CLAIMS_PER_COMMAND_MAX = 100;

const DAY_MS = 86_400_000;

/** The named claim ids: 1..CLAIMS_PER_COMMAND_MAX, each once (400 otherwise). */
export const assertClaimIdsWellFormed = (claimIds: readonly string[], field = 'claimIds'): void => {
  if (claimIds.length === 0 || claimIds.length > CLAIMS_PER_COMMAND_MAX) {
    throw new InvalidInput(`name 1 to ${CLAIMS_PER_COMMAND_MAX} claims`, [{ field, message: `1..${CLAIMS_PER_COMMAND_MAX} claim ids` }]);
  }
  if (new Set(claimIds).size !== claimIds.length) throw new InvalidInput('a claim is named twice', [{ field, message: 'a claim id is repeated' }]);
};

/**
 * A claim of this patient, not voided, on which the patient owes something. `claims` holds every
 * named claim that exists (loaded by the caller).
 */
export const owedClaim = (claims: ReadonlyMap<string, Claim>, claimId: string, patientId: string): { claim: Claim; patientBalanceCents: Cents } => {
  const claim = claims.get(claimId);
  if (!claim || claim.patientId !== patientId) {
    throw new RuleViolation('NOT_PATIENTS_CLAIM', `claim ${claimId} is not a claim of patient ${patientId}`);
  }
  if (claim.status === 'voided') throw new RuleViolation('CLAIM_VOIDED', `claim ${claimId} is voided`);
  const patientBalanceCents = balancesOf(claim.money).patientBalanceCents;
  if (patientBalanceCents <= 0) throw new RuleViolation('NO_PATIENT_BALANCE', `the patient owes nothing on claim ${claimId}`);
  return { claim, patientBalanceCents };
};

/** A claim on a current plan is being paid as agreed: it is neither re-planned nor sent to collections. */
export const assertNotOnCurrentPlan = (account: PatientAccount, claimId: string): void => {
  const plan = currentPlanOf(account, claimId);
  if (plan) throw new RuleViolation('CLAIM_ON_CURRENT_PLAN', `claim ${claimId} is on payment plan ${plan.planId}, which is current`);
};

/** A claim placed with an agency is the agency's to collect until it is recalled. */
export const assertNotPlaced = (account: PatientAccount, claimId: string): void => {
  const placement = activePlacementOf(account, claimId);
  if (placement) {
    throw new RuleViolation(
      'CLAIM_PLACED_WITH_COLLECTIONS',
      `claim ${claimId} is placed with ${placement.agency} (placement ${placement.placementId}); recall it first`,
    );
  }
};

/** Whole integer within [min, max] (400 otherwise). */
export const assertWholeNumber = (value: number, field: string, min: number, max: number): void => {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidInput(`${field} must be a whole number from ${min} to ${max}`, [{ field, message: `${min}..${max}` }]);
  }
};

export const assertIsoDate = (value: string, field: string): void => {
  if (!isIsoDate(value)) throw new InvalidInput(`${field} must be a date YYYY-MM-DD`, [{ field, message: 'YYYY-MM-DD' }]);
};

/** The UTC calendar date of an instant. */
export const utcDate = (instant: string): string => new Date(instant).toISOString().slice(0, 10);

export const addDays = (date: string, days: number): string => {
  assert(isIsoDate(date), `not a date: ${date}`);
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
};

/** `date` plus whole months, kept on the same day of the month or that month's last day (Jan 31 → Feb 28 → Mar 31). */
export const addMonths = (date: string, months: number): string => {
  assert(isIsoDate(date), `not a date: ${date}`);
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = index % 12;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(day, lastDay))).toISOString().slice(0, 10);
};

/** Whole days from calendar date `from` to calendar date `to` (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
