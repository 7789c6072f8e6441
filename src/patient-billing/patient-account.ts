/**
 * The patient stream as patient billing sees it: statements sent, payment plans (with the patient
 * money that counts toward each) and collection placements. Pure: folded from the patient stream
 * by the billing commands, the queries and the specs alike.
 *
 * How a payment counts toward a plan: a patient payment recorded on the stream after the plan was
 * agreed counts by what it allocates to the plan's claims, dated by its `receivedAt` (the day the
 * patient paid, not the day it was posted). A refund from a covered claim counts against the plan.
 * Unallocated money (credit) never counts: the biller allocates it to the plan's claims first.
 * Only a current plan collects payments; two current plans never share a claim.
 */
import type { Cents } from '../common/money';
import type { PatientStreamEvent } from '../patients/patient';
import type { PlacedClaim, PlanFrequency, PlanInstallment } from './patient-billing-events';

/** What one statement said, kept for the rules (aging, collections, payments since the last statement). */
export interface StatementRecord {
  statementId: string;
  asOf: string;
  statementDate: string;
  dueDate: string;
  amountDueCents: Cents;
  /** Claims listed with a positive patient balance: the balances this statement billed. */
  billedClaimIds: string[];
}

/** Patient money toward a plan: + a payment's allocations to covered claims, − a refund from one. */
export interface PlanPayment {
  source: 'payment' | 'refund';
  id: string;
  /** Business date of the payment (receivedAt) or refund (issuedAt). */
  at: string;
  amountCents: Cents;
}

/** current: agreed and running (its claims are not delinquent); defaulted and completed are final. */
export type PlanStatus = 'current' | 'defaulted' | 'completed';

export interface PaymentPlan {
  planId: string;
  claimIds: string[];
  totalCents: Cents;
  frequency: PlanFrequency;
  installments: PlanInstallment[];
  missesToDefault: number;
  graceDays: number;
  agreedAt: string;
  status: PlanStatus;
  missedInstallments: number[];
  payments: PlanPayment[];
}

export interface Placement {
  placementId: string;
  agency: string;
  claims: PlacedClaim[];
  placedCents: Cents;
  placedAt: string;
  recalledAt: string | null;
}

export interface PatientAccount {
  patientId: string;
  statements: StatementRecord[];
  plans: PaymentPlan[];
  placements: Placement[];
}

export const initialPatientAccount = (patientId: string): PatientAccount => ({ patientId, statements: [], plans: [], placements: [] });

const withPlan = (account: PatientAccount, planId: string, change: (plan: PaymentPlan) => PaymentPlan): PatientAccount => ({
  ...account,
  plans: account.plans.map((plan) => (plan.planId === planId ? change(plan) : plan)),
});

export const evolvePatientAccount = (account: PatientAccount, event: PatientStreamEvent): PatientAccount => {
  switch (event.type) {
    case 'PatientPaymentReceived': {
      const { data } = event;
      return {
        ...account,
        plans: account.plans.map((plan) => {
          if (plan.status !== 'current') return plan;
          const amountCents = data.allocations.filter((a) => plan.claimIds.includes(a.claimId)).reduce((sum, a) => sum + a.amountCents, 0);
          if (amountCents === 0) return plan;
          return { ...plan, payments: [...plan.payments, { source: 'payment', id: data.paymentId, at: data.receivedAt, amountCents }] };
        }),
      };
    }
    case 'PatientRefundIssued': {
      const { data } = event;
      if (data.claimId === undefined) return account;
      const claimId = data.claimId;
      return {
        ...account,
        plans: account.plans.map((plan) =>
          plan.status === 'current' && plan.claimIds.includes(claimId)
            ? { ...plan, payments: [...plan.payments, { source: 'refund', id: data.refundId, at: data.issuedAt, amountCents: -data.amountCents }] }
            : plan,
        ),
      };
    }
    case 'StatementIssued': {
      const { data } = event;
      return {
        ...account,
        statements: [
          ...account.statements,
          {
            statementId: data.statementId,
            asOf: data.asOf,
            statementDate: data.statementDate,
            dueDate: data.dueDate,
            amountDueCents: data.amountDueCents,
            billedClaimIds: data.claims.filter((c) => c.patientBalanceCents > 0).map((c) => c.claimId),
          },
        ],
      };
    }
    case 'PaymentPlanAgreed': {
      const { data } = event;
      return {
        ...account,
        plans: [
          ...account.plans,
          {
            planId: data.planId,
            claimIds: [...data.claimIds],
            totalCents: data.totalCents,
            frequency: data.frequency,
            installments: data.installments.map((i) => ({ ...i })),
            missesToDefault: data.missesToDefault,
            graceDays: data.graceDays,
            agreedAt: data.agreedAt,
            status: 'current',
            missedInstallments: [],
            payments: [],
          },
        ],
      };
    }
    case 'PaymentPlanInstallmentMissed':
      return withPlan(account, event.data.planId, (plan) => ({
        ...plan,
        missedInstallments: [...plan.missedInstallments, event.data.installmentNumber],
      }));
    case 'PaymentPlanDefaulted':
      return withPlan(account, event.data.planId, (plan) => ({ ...plan, status: 'defaulted' }));
    case 'PaymentPlanCompleted':
      return withPlan(account, event.data.planId, (plan) => ({ ...plan, status: 'completed' }));
    case 'PlacedWithCollections': {
      const { data } = event;
      return {
        ...account,
        placements: [
          ...account.placements,
          {
            placementId: data.placementId,
            agency: data.agency,
            claims: data.claims.map((c) => ({ ...c })),
            placedCents: data.placedCents,
            placedAt: data.placedAt,
            recalledAt: null,
          },
        ],
      };
    }
    case 'RecalledFromCollections':
      return {
        ...account,
        placements: account.placements.map((p) => (p.placementId === event.data.placementId ? { ...p, recalledAt: event.data.recalledAt } : p)),
      };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};

export const foldPatientAccount = (patientId: string, events: readonly PatientStreamEvent[]): PatientAccount =>
  events.reduce(evolvePatientAccount, initialPatientAccount(patientId));

/** The current plan covering the claim, if any. */
export const currentPlanOf = (account: PatientAccount, claimId: string): PaymentPlan | undefined =>
  account.plans.find((plan) => plan.status === 'current' && plan.claimIds.includes(claimId));

/** The placement holding the claim (placed and not recalled), if any. */
export const activePlacementOf = (account: PatientAccount, claimId: string): Placement | undefined =>
  account.placements.find((p) => p.recalledAt === null && p.claims.some((c) => c.claimId === claimId));

/** Statements that billed the claim (listed it with a positive patient balance), oldest first. */
export const statementsBilling = (account: PatientAccount, claimId: string): StatementRecord[] =>
  account.statements.filter((s) => s.billedClaimIds.includes(claimId));

export const lastStatement = (account: PatientAccount): StatementRecord | undefined => account.statements[account.statements.length - 1];

/** End of a calendar day, UTC: the last instant an installment due that day (plus grace) is on time. */
export const endOfDay = (date: string): string => `${date}T23:59:59.999Z`;

/** Paid toward the plan by payments (and refunds) dated at or before `at` (all of them when absent). */
export const planPaidCents = (plan: PaymentPlan, at?: string): Cents => {
  const cutoff = at === undefined ? Number.POSITIVE_INFINITY : Date.parse(at);
  return plan.payments.filter((p) => Date.parse(p.at) <= cutoff).reduce((sum, p) => sum + p.amountCents, 0);
};

/** Installments due on or before `date` (a calendar date), added up. */
export const installmentsDueCents = (plan: PaymentPlan, date: string): Cents =>
  plan.installments.filter((i) => i.dueDate <= date).reduce((sum, i) => sum + i.amountCents, 0);
