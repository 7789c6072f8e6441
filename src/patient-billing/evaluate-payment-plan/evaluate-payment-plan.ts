import { NotFound, RuleViolation } from '../../common/errors';
import type { Cents } from '../../common/money';
import { addDays } from '../billing-rules';
import { endOfDay, planPaidCents, type PatientAccount, type PaymentPlan } from '../patient-account';
import type { PaymentPlanCompleted, PaymentPlanDefaulted, PaymentPlanInstallmentMissed } from '../patient-billing-events';

export interface EvaluatePaymentPlan {
  patientId: string;
  planId: string;
  /** The instant the plan is judged at; not later than now. */
  asOf: string;
  now: string;
}

export type PlanEvaluationEvent = PaymentPlanInstallmentMissed | PaymentPlanDefaulted | PaymentPlanCompleted;

/** The last instant an installment counts as paid on time: the end of its due date plus the grace days (UTC). */
export const installmentDeadline = (plan: PaymentPlan, dueDate: string): string => endOfDay(addDays(dueDate, plan.graceDays));

/**
 * Judges a current plan at `asOf`, from its events alone (no timer): each installment whose
 * deadline has passed is missed when less was paid toward the plan by that deadline than the
 * installments due up to it (payments go to the oldest installment first, so one late payment
 * does not hide a second missed month). The plan defaults once `missesToDefault` installments are
 * missed; it is completed when paid in full, or when nothing is owed on its claims any more.
 * Judging again at the same or an earlier instant appends nothing.
 *
 * `coveredBalanceCents` is what the patient owes on the plan's claims now.
 */
export const evaluatePaymentPlan = (command: EvaluatePaymentPlan, account: PatientAccount, coveredBalanceCents: Cents): PlanEvaluationEvent[] => {
  const plan = account.plans.find((p) => p.planId === command.planId);
  if (!plan) throw new NotFound(`patient ${command.patientId} has no payment plan ${command.planId}`);
  if (Date.parse(command.asOf) > Date.parse(command.now)) {
    throw new RuleViolation('AS_OF_IN_FUTURE', `cannot judge a plan at ${command.asOf}, after now (${command.now})`);
  }
  if (plan.status !== 'current') return [];
  const asOf = new Date(command.asOf).toISOString();
  const base = { patientId: command.patientId, planId: plan.planId };
  const paidCents = planPaidCents(plan, asOf);
  if (paidCents >= plan.totalCents) return [{ type: 'PaymentPlanCompleted', data: { ...base, reason: 'paid', paidCents, asOf } }];
  if (coveredBalanceCents <= 0) return [{ type: 'PaymentPlanCompleted', data: { ...base, reason: 'balance_resolved', paidCents, asOf } }];

  const events: PlanEvaluationEvent[] = [];
  const missed = [...plan.missedInstallments];
  let dueCents = 0;
  for (const installment of plan.installments) {
    dueCents += installment.amountCents;
    const deadline = installmentDeadline(plan, installment.dueDate);
    // Installments are in date order: the first one not yet past its deadline ends the judging.
    if (Date.parse(asOf) <= Date.parse(deadline)) break;
    if (missed.includes(installment.number)) continue;
    const paidByDeadline = planPaidCents(plan, deadline);
    if (paidByDeadline >= dueCents) continue;
    missed.push(installment.number);
    events.push({
      type: 'PaymentPlanInstallmentMissed',
      data: { ...base, installmentNumber: installment.number, dueDate: installment.dueDate, dueCents, paidCents: paidByDeadline, shortfallCents: dueCents - paidByDeadline, asOf },
    });
    if (missed.length >= plan.missesToDefault) {
      events.push({
        type: 'PaymentPlanDefaulted',
        data: { ...base, missedInstallments: [...missed].sort((a, b) => a - b), paidCents, remainingCents: plan.totalCents - paidCents, asOf },
      });
      break;
    }
  }
  return events;
};
