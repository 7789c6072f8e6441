/**
 * Test support, imported only by specs (kept out of src/ so the build never compiles it): patient-billing events for the patient and claims of
 * src/claims/claim-fixtures.ts. The claim there, once paid, leaves the patient $40 (copay PR-3
 * $30 + coinsurance PR-2 $10); the plan here asks $30 of it in three monthly $10 installments.
 */
import { given, type Given } from '../../src/common/decider-spec';
import { CLAIM_ID, PATIENT_ID } from '../../src/claims/claim-fixtures';
import type { PatientStreamEvent } from '../../src/patients/patient';
import { evolvePatientAccount, initialPatientAccount, type PatientAccount } from '../../src/patient-billing/patient-account';
import type {
  PaymentPlanAgreed,
  PaymentPlanCompleted,
  PaymentPlanDefaulted,
  PaymentPlanInstallmentMissed,
  PlacedWithCollections,
  RecalledFromCollections,
  StatementClaim,
  StatementIssued,
} from '../../src/patient-billing/patient-billing-events';

export const PLAN_ID = 'plan-1';
export const PLACEMENT_ID = 'plc-1';
export const AGENCY = 'Acme Recovery LLC';

export const statementClaim = (overrides: Partial<StatementClaim> = {}): StatementClaim => ({
  claimId: CLAIM_ID,
  dateOfService: '2025-03-14',
  providerNpi: '1234567893',
  payerId: 'payer-60054',
  procedures: [],
  chargesCents: 40_000,
  insurancePaidCents: 24_000,
  insuranceAdjustedCents: 12_000,
  insurancePendingCents: 0,
  patientResponsibilityCents: 4_000,
  patientShares: [
    { reason: '2', label: 'Coinsurance', amountCents: 1_000 },
    { reason: '3', label: 'Copay', amountCents: 3_000 },
  ],
  patientPaidCents: 0,
  patientAdjustedCents: 0,
  patientBalanceCents: 4_000,
  paymentPlanId: null,
  ...overrides,
});

/** A statement of 2025-04-30 billing the claim's $40. */
export const statementIssued = (overrides: Partial<StatementIssued['data']> = {}): StatementIssued => ({
  type: 'StatementIssued',
  data: {
    patientId: PATIENT_ID,
    statementId: 'stmt-2025-04-30',
    asOf: '2025-04-30T23:59:59.999Z',
    statementDate: '2025-04-30',
    dueDate: '2025-05-30',
    issuedAt: '2025-05-01T08:00:00Z',
    previousStatement: null,
    claims: [statementClaim()],
    paymentsReceived: [],
    refundsIssued: [],
    unallocatedCreditCents: 0,
    balanceCents: 4_000,
    paymentPlans: [],
    amountDueCents: 4_000,
    ...overrides,
  },
});

/** $30 in three monthly $10 installments from 2025-06-01; defaults at the second miss. */
export const planAgreed = (overrides: Partial<PaymentPlanAgreed['data']> = {}): PaymentPlanAgreed => ({
  type: 'PaymentPlanAgreed',
  data: {
    patientId: PATIENT_ID,
    planId: PLAN_ID,
    claimIds: [CLAIM_ID],
    totalCents: 3_000,
    frequency: 'monthly',
    installments: [
      { number: 1, dueDate: '2025-06-01', amountCents: 1_000 },
      { number: 2, dueDate: '2025-07-01', amountCents: 1_000 },
      { number: 3, dueDate: '2025-08-01', amountCents: 1_000 },
    ],
    missesToDefault: 2,
    graceDays: 0,
    agreedAt: '2025-05-15T10:00:00Z',
    ...overrides,
  },
});

export const installmentMissed = (installmentNumber: number, overrides: Partial<PaymentPlanInstallmentMissed['data']> = {}): PaymentPlanInstallmentMissed => ({
  type: 'PaymentPlanInstallmentMissed',
  data: {
    patientId: PATIENT_ID,
    planId: PLAN_ID,
    installmentNumber,
    dueDate: `2025-0${5 + installmentNumber}-01`,
    dueCents: 1_000 * installmentNumber,
    paidCents: 0,
    shortfallCents: 1_000 * installmentNumber,
    asOf: '2025-09-01T00:00:00.000Z',
    ...overrides,
  },
});

export const planDefaulted = (overrides: Partial<PaymentPlanDefaulted['data']> = {}): PaymentPlanDefaulted => ({
  type: 'PaymentPlanDefaulted',
  data: { patientId: PATIENT_ID, planId: PLAN_ID, missedInstallments: [1, 2], paidCents: 0, remainingCents: 3_000, asOf: '2025-09-01T00:00:00.000Z', ...overrides },
});

export const planCompleted = (overrides: Partial<PaymentPlanCompleted['data']> = {}): PaymentPlanCompleted => ({
  type: 'PaymentPlanCompleted',
  data: { patientId: PATIENT_ID, planId: PLAN_ID, reason: 'paid', paidCents: 3_000, asOf: '2025-09-01T00:00:00.000Z', ...overrides },
});

export const placed = (overrides: Partial<PlacedWithCollections['data']> = {}): PlacedWithCollections => ({
  type: 'PlacedWithCollections',
  data: {
    patientId: PATIENT_ID,
    placementId: PLACEMENT_ID,
    agency: AGENCY,
    claims: [{ claimId: CLAIM_ID, amountCents: 4_000 }],
    placedCents: 4_000,
    placedAt: '2025-10-01T09:00:00Z',
    ...overrides,
  },
});

export const recalled = (overrides: Partial<RecalledFromCollections['data']> = {}): RecalledFromCollections => ({
  type: 'RecalledFromCollections',
  data: { patientId: PATIENT_ID, placementId: PLACEMENT_ID, agency: AGENCY, reason: 'patient disputes the balance', recalledAt: '2025-10-15T09:00:00Z', ...overrides },
});

export const ALL_BILLING_EVENTS = (): PatientStreamEvent[] => [
  statementIssued(),
  planAgreed(),
  installmentMissed(1),
  planDefaulted(),
  planCompleted(),
  placed(),
  recalled(),
];

/** given/when/then on the patient stream as patient billing folds it. */
export const givenAccount = (...events: PatientStreamEvent[]): Given<PatientAccount> => given(evolvePatientAccount, initialPatientAccount(PATIENT_ID), events);
