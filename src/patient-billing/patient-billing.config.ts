import { COLLECTIONS_MIN_STATEMENTS_DEFAULT, COLLECTIONS_OLDER_THAN_DAYS_DEFAULT, type CollectionsPolicy } from './patient-aging';
import { GRACE_DAYS_MAX, MISSES_TO_DEFAULT_DEFAULT, PLAN_INSTALLMENTS_MAX } from './agree-payment-plan/agree-payment-plan';

/** The practice's patient-billing policy: defaults that a request may override. */
export interface PatientBillingPolicy {
  collections: CollectionsPolicy;
  /** Misses before a plan defaults, when the agreement does not say. */
  missesToDefault: number;
  /** Grace days after an installment's due date, when the agreement does not say. */
  graceDays: number;
}

export const PATIENT_BILLING_POLICY = Symbol('PatientBillingPolicy');

/** Upper bound of every policy number: a typo (`1200000`) fails at start, not in a worklist. */
const POLICY_VALUE_MAX = 3_650;

const wholeNumber = (env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max = POLICY_VALUE_MAX): number => {
  const value = env[name];
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, not ${value}`);
  return n;
};

/**
 * From the environment: COLLECTIONS_OLDER_THAN_DAYS (default 120: the IRS 501(r) waiting period
 * after the first statement), COLLECTIONS_MIN_STATEMENTS (3), PLAN_MISSES_TO_DEFAULT (2),
 * PLAN_GRACE_DAYS (0).
 */
export const loadPatientBillingPolicy = (env: NodeJS.ProcessEnv = process.env): PatientBillingPolicy => ({
  collections: {
    olderThanDays: wholeNumber(env, 'COLLECTIONS_OLDER_THAN_DAYS', COLLECTIONS_OLDER_THAN_DAYS_DEFAULT, 0),
    minStatements: wholeNumber(env, 'COLLECTIONS_MIN_STATEMENTS', COLLECTIONS_MIN_STATEMENTS_DEFAULT, 1),
  },
  missesToDefault: wholeNumber(env, 'PLAN_MISSES_TO_DEFAULT', MISSES_TO_DEFAULT_DEFAULT, 1, PLAN_INSTALLMENTS_MAX),
  graceDays: wholeNumber(env, 'PLAN_GRACE_DAYS', 0, 0, GRACE_DAYS_MAX),
});
