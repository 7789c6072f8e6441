import type { Event } from '../common/event';
import { type Cents, sumCents } from '../common/money';
import type { PatientBillingEvent } from '../patient-billing/patient-billing-events';

export type PaymentMethod = 'cash' | 'card' | 'check' | 'ach';
export const PAYMENT_METHODS: readonly PaymentMethod[] = ['cash', 'card', 'check', 'ach'];

/** Part of a patient payment applied to one of the patient's claims. */
export interface PaymentAllocation {
  claimId: string;
  amountCents: Cents;
}

/** Money received from the patient; what is not allocated to claims becomes patient credit. */
export type PatientPaymentReceived = Event<
  'PatientPaymentReceived',
  {
    patientId: string;
    paymentId: string;
    amountCents: Cents;
    method: PaymentMethod;
    receivedAt: string;
    allocations: PaymentAllocation[];
  }
>;

/** Money returned to the patient: from one claim's overpayment, or from unallocated credit. */
export type PatientRefundIssued = Event<
  'PatientRefundIssued',
  { patientId: string; refundId: string; amountCents: Cents; claimId?: string; issuedAt: string }
>;

/** Patient money: what the claims and the patient's credit fold (the events that touch a claim). */
export type PatientEvent = PatientPaymentReceived | PatientRefundIssued;

/** Everything the patient stream holds: patient money, and statements, payment plans and collections (src/patient-billing). */
export type PatientStreamEvent = PatientEvent | PatientBillingEvent;

export interface Patient {
  patientId: string;
  paymentIds: string[];
  refundIds: string[];
  /** Payments not allocated to any claim, less refunds issued from them. */
  unallocatedCreditCents: Cents;
}

export const initialPatientState = (patientId: string): Patient => ({
  patientId,
  paymentIds: [],
  refundIds: [],
  unallocatedCreditCents: 0,
});

export const patientStreamId = (patientId: string): string => `patient-${patientId}`;

export const unallocatedCents = (data: PatientPaymentReceived['data']): Cents =>
  data.amountCents - sumCents(data.allocations.map((a) => a.amountCents));

export const evolvePatient = (state: Patient, event: PatientStreamEvent): Patient => {
  switch (event.type) {
    case 'PatientPaymentReceived':
      return {
        ...state,
        paymentIds: [...state.paymentIds, event.data.paymentId],
        unallocatedCreditCents: state.unallocatedCreditCents + unallocatedCents(event.data),
      };
    case 'PatientRefundIssued':
      return {
        ...state,
        refundIds: [...state.refundIds, event.data.refundId],
        unallocatedCreditCents:
          event.data.claimId === undefined ? state.unallocatedCreditCents - event.data.amountCents : state.unallocatedCreditCents,
      };
    // Statements, payment plans and collections move no money: the patient's credit stands (src/patient-billing folds them).
    case 'StatementIssued':
    case 'PaymentPlanAgreed':
    case 'PaymentPlanInstallmentMissed':
    case 'PaymentPlanDefaulted':
    case 'PaymentPlanCompleted':
    case 'PlacedWithCollections':
    case 'RecalledFromCollections':
      return state;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};
