import type { Claim } from '../../claims/claim';
import { DuplicateId, InvalidInput, RuleViolation } from '../../common/errors';
import type { Cents } from '../../common/money';
import {
  addDays,
  addMonths,
  assertClaimIdsWellFormed,
  assertIsoDate,
  assertNotOnCurrentPlan,
  assertNotPlaced,
  assertWholeNumber,
  owedClaim,
} from '../billing-rules';
import type { PatientAccount } from '../patient-account';
import { PLAN_FREQUENCIES, type PaymentPlanAgreed, type PlanFrequency, type PlanInstallment } from '../patient-billing-events';

/** Five years of monthly installments: longer plans are loans, not payment plans. */
export const PLAN_INSTALLMENTS_MAX = 60;
/** Misses tolerated before a plan defaults, unless the agreement says otherwise. */
export const MISSES_TO_DEFAULT_DEFAULT = 2;
export const GRACE_DAYS_MAX = 60;

export interface AgreePaymentPlan {
  patientId: string;
  planId: string;
  claimIds: string[];
  /** Default: everything the patient owes on the claims. */
  totalCents?: Cents;
  installmentCount: number;
  firstDueDate: string;
  frequency: PlanFrequency;
  missesToDefault: number;
  graceDays: number;
  agreedAt: string;
}

/** Installment n (0-based) falls this far after the first. */
const dueDateOf = (first: string, frequency: PlanFrequency, n: number): string => {
  switch (frequency) {
    case 'weekly':
      return addDays(first, 7 * n);
    case 'biweekly':
      return addDays(first, 14 * n);
    case 'monthly':
      return addMonths(first, n);
    default: {
      const unknown: never = frequency;
      return unknown;
    }
  }
};

/** Equal installments; the cents that do not divide go one each to the first installments, so no two differ by more than a cent. */
export const planSchedule = (totalCents: Cents, count: number, firstDueDate: string, frequency: PlanFrequency): PlanInstallment[] => {
  const base = Math.floor(totalCents / count);
  const remainder = totalCents - base * count;
  return Array.from({ length: count }, (_, n) => ({
    number: n + 1,
    dueDate: dueDateOf(firstDueDate, frequency, n),
    amountCents: base + (n < remainder ? 1 : 0),
  }));
};

/**
 * The patient agrees to pay the balances of the named claims in installments. Each claim is the
 * patient's, owes something, and is neither on a current plan nor placed with collections; the
 * plan never asks for more than is owed.
 */
export const agreePaymentPlan = (command: AgreePaymentPlan, account: PatientAccount, claims: ReadonlyMap<string, Claim>): PaymentPlanAgreed[] => {
  if (account.plans.some((plan) => plan.planId === command.planId)) {
    throw new DuplicateId('DUPLICATE_PLAN', `payment plan ${command.planId} is already recorded for patient ${command.patientId}`);
  }
  assertClaimIdsWellFormed(command.claimIds);
  assertWholeNumber(command.installmentCount, 'installmentCount', 1, PLAN_INSTALLMENTS_MAX);
  assertWholeNumber(command.missesToDefault, 'missesToDefault', 1, command.installmentCount);
  assertWholeNumber(command.graceDays, 'graceDays', 0, GRACE_DAYS_MAX);
  assertIsoDate(command.firstDueDate, 'firstDueDate');
  if (!PLAN_FREQUENCIES.includes(command.frequency)) throw new InvalidInput('unknown frequency', [{ field: 'frequency', message: PLAN_FREQUENCIES.join('|') }]);

  let owedCents = 0;
  for (const claimId of command.claimIds) {
    owedCents += owedClaim(claims, claimId, command.patientId).patientBalanceCents;
    assertNotOnCurrentPlan(account, claimId);
    assertNotPlaced(account, claimId);
  }
  const totalCents = command.totalCents ?? owedCents;
  if (command.totalCents !== undefined) assertWholeNumber(command.totalCents, 'totalCents', 1, Number.MAX_SAFE_INTEGER);
  if (totalCents > owedCents) {
    throw new RuleViolation('PLAN_EXCEEDS_BALANCE', `a plan of ${totalCents} cents exceeds the ${owedCents} cents owed on its claims`);
  }
  // Every installment asks for at least a cent.
  if (totalCents < command.installmentCount) {
    throw new InvalidInput(`${command.installmentCount} installments cannot split ${totalCents} cents`, [{ field: 'installmentCount', message: `at most ${totalCents}` }]);
  }
  return [
    {
      type: 'PaymentPlanAgreed',
      data: {
        patientId: command.patientId,
        planId: command.planId,
        claimIds: [...command.claimIds],
        totalCents,
        frequency: command.frequency,
        installments: planSchedule(totalCents, command.installmentCount, command.firstDueDate, command.frequency),
        missesToDefault: command.missesToDefault,
        graceDays: command.graceDays,
        agreedAt: command.agreedAt,
      },
    },
  ];
};
