/**
 * Patient-stream events of patient billing: statements, payment plans and collections. They are
 * facts about what the practice told and agreed with the patient; none of them moves money (the
 * money stays in claims and in patient payments and refunds). None carries a top-level `claimId`,
 * so `touchesClaim` never folds one into a claim (a claim is folded from its own stream and the
 * patient money allocated to it).
 */
import type { Event } from '../common/event';
import type { Cents } from '../common/money';
import type { PaymentMethod } from '../patients/patient';

/** One billed procedure as the statement shows it. */
export interface StatementProcedure {
  lineNumber: number;
  procedureCode: string;
  modifiers: string[];
  units: number;
  chargeCents: Cents;
}

/** Part of what the patient owes and why: a PR reason code (CARC) of the standing remittances, with its label. */
export interface PatientShare {
  /** CARC with group PR: 1 deductible, 2 coinsurance, 3 copay; others are shown as "other". */
  reason: string;
  label: string;
  amountCents: Cents;
}

/** One claim with a patient balance at the statement's cut-off. */
export interface StatementClaim {
  claimId: string;
  dateOfService: string;
  providerNpi: string;
  payerId: string;
  procedures: StatementProcedure[];
  chargesCents: Cents;
  /** What the insurer paid on the claim. */
  insurancePaidCents: Cents;
  /** Contractual and other non-patient adjustments (CO/OA/PI/CR): not owed by anyone. */
  insuranceAdjustedCents: Cents;
  /** Still with the insurer (payer balance): not owed by the patient yet. */
  insurancePendingCents: Cents;
  /** Σ patientShares = what the insurer says the patient owes. */
  patientResponsibilityCents: Cents;
  patientShares: PatientShare[];
  patientPaidCents: Cents;
  /** Patient write-offs (small balance, charity, …). */
  patientAdjustedCents: Cents;
  patientBalanceCents: Cents;
  /** The current payment plan covering the claim at the cut-off, if any. */
  paymentPlanId: string | null;
}

export interface StatementPayment {
  paymentId: string;
  receivedAt: string;
  method: PaymentMethod;
  amountCents: Cents;
}

export interface StatementRefund {
  refundId: string;
  issuedAt: string;
  amountCents: Cents;
}

/** A current payment plan as the statement shows it: what is due on it by the statement's due date. */
export interface StatementPlan {
  planId: string;
  totalCents: Cents;
  paidCents: Cents;
  /** Installments due by the statement's due date, less what was paid toward the plan (≥ 0). */
  installmentDueCents: Cents;
  nextDueDate: string | null;
}

/**
 * A bill sent to the patient. It captures, at the cut-off `asOf` (recorded time), every claim with a
 * patient balance and why it is owed; rendering it again gives the same PDF (src/patient-billing/statement-pdf.ts).
 */
export type StatementIssued = Event<
  'StatementIssued',
  {
    patientId: string;
    statementId: string;
    /** The cut-off: the ledger as it stood at this recorded instant. */
    asOf: string;
    /** The date printed on the statement (the cut-off's UTC date); patient aging counts from it. */
    statementDate: string;
    dueDate: string;
    issuedAt: string;
    previousStatement: { statementId: string; statementDate: string; amountDueCents: Cents } | null;
    claims: StatementClaim[];
    /** Payments recorded after the previous statement's cut-off, up to this one. */
    paymentsReceived: StatementPayment[];
    refundsIssued: StatementRefund[];
    unallocatedCreditCents: Cents;
    /** Σ claim patient balances − unallocated credit: the patient balance at the cut-off. */
    balanceCents: Cents;
    paymentPlans: StatementPlan[];
    /** What to pay by the due date: balances not on a current plan, plus installments due on plans, less credit (≥ 0). */
    amountDueCents: Cents;
  }
>;

export type PlanFrequency = 'weekly' | 'biweekly' | 'monthly';
export const PLAN_FREQUENCIES: readonly PlanFrequency[] = ['weekly', 'biweekly', 'monthly'];

export interface PlanInstallment {
  number: number;
  dueDate: string;
  amountCents: Cents;
}

/** The patient agreed to pay `totalCents` of the covered claims' balances in installments. */
export type PaymentPlanAgreed = Event<
  'PaymentPlanAgreed',
  {
    patientId: string;
    planId: string;
    claimIds: string[];
    totalCents: Cents;
    frequency: PlanFrequency;
    installments: PlanInstallment[];
    /** The plan defaults when this many installments have been missed. */
    missesToDefault: number;
    /** Days after a due date before an unpaid installment counts as missed. */
    graceDays: number;
    agreedAt: string;
  }
>;

/** At `asOf`, an installment's deadline had passed with less paid toward the plan than was due by then. */
export type PaymentPlanInstallmentMissed = Event<
  'PaymentPlanInstallmentMissed',
  {
    patientId: string;
    planId: string;
    installmentNumber: number;
    dueDate: string;
    /** Installments due up to and including this one. */
    dueCents: Cents;
    /** Paid toward the plan by the deadline. */
    paidCents: Cents;
    shortfallCents: Cents;
    asOf: string;
  }
>;

/** The plan ended unpaid after `missesToDefault` missed installments; its claims are delinquent again. */
export type PaymentPlanDefaulted = Event<
  'PaymentPlanDefaulted',
  { patientId: string; planId: string; missedInstallments: number[]; paidCents: Cents; remainingCents: Cents; asOf: string }
>;

/** The plan ended: paid in full, or nothing is owed on its claims any more (written off, reprocessed). */
export type PaymentPlanCompleted = Event<
  'PaymentPlanCompleted',
  { patientId: string; planId: string; reason: 'paid' | 'balance_resolved'; paidCents: Cents; asOf: string }
>;

export interface PlacedClaim {
  claimId: string;
  /** The claim's patient balance when placed. */
  amountCents: Cents;
}

/** The practice handed the named claims' patient balances to a collection agency. */
export type PlacedWithCollections = Event<
  'PlacedWithCollections',
  { patientId: string; placementId: string; agency: string; claims: PlacedClaim[]; placedCents: Cents; placedAt: string }
>;

/** The practice took a placement back from the agency (paid, disputed, placed in error, …). */
export type RecalledFromCollections = Event<
  'RecalledFromCollections',
  { patientId: string; placementId: string; agency: string; reason: string; recalledAt: string }
>;

export type PatientBillingEvent =
  | StatementIssued
  | PaymentPlanAgreed
  | PaymentPlanInstallmentMissed
  | PaymentPlanDefaulted
  | PaymentPlanCompleted
  | PlacedWithCollections
  | RecalledFromCollections;

export const PATIENT_BILLING_EVENT_TYPES: ReadonlySet<string> = new Set<PatientBillingEvent['type']>([
  'StatementIssued',
  'PaymentPlanAgreed',
  'PaymentPlanInstallmentMissed',
  'PaymentPlanDefaulted',
  'PaymentPlanCompleted',
  'PlacedWithCollections',
  'RecalledFromCollections',
]);
