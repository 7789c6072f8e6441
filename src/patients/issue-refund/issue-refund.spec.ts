import { CLAIM_ID, CLAIM_IN, claimAfter, OTHER_PATIENT_ID, patientPaid, PATIENT_ID, refunded, refundedFromCredit, reversed, submitted, writtenOff } from '../../claims/claim-fixtures';
import type { Claim } from '../../claims/claim';
import { given } from '../../common/decider-spec';
import { DuplicateId, InvalidInput, RuleViolation } from '../../common/errors';
import { evolvePatient, initialPatientState, type PatientEvent } from '../patient';
import { issuePatientRefund, type IssuePatientRefund } from './issue-refund';

/** The patient paid the $40 owed, then the payer took its remittance back: a $40 credit on the claim. */
const claimWithCredit = claimAfter(...CLAIM_IN.closed, reversed());
/** $60 paid with $40 allocated: $20 unallocated credit. */
const overpaid = patientPaid({ amountCents: 6_000 });

const command = (overrides: Partial<IssuePatientRefund> = {}): IssuePatientRefund => ({
  patientId: PATIENT_ID,
  refundId: 'ref-1',
  amountCents: 1_000,
  claimId: CLAIM_ID,
  issuedAt: '2025-05-10T00:00:00Z',
  ...overrides,
});

const fromCredit = (overrides: Partial<Omit<IssuePatientRefund, 'claimId'>> = {}): IssuePatientRefund => {
  const { claimId: _claimId, ...rest } = command(overrides);
  return rest;
};

const givenPatient = (...events: PatientEvent[]) => given(evolvePatient, initialPatientState(PATIENT_ID), events);

describe('issuePatientRefund', () => {
  it("refunds part of a claim's credit", () => {
    givenPatient(patientPaid()).when((patient) => issuePatientRefund(command(), patient, claimWithCredit)).then([refunded()]);
  });

  it("refunds the whole of a claim's credit", () => {
    givenPatient(patientPaid())
      .when((patient) => issuePatientRefund(command({ amountCents: 4_000 }), patient, claimWithCredit))
      .then([refunded({ amountCents: 4_000 })]);
  });

  it('refunds unallocated credit, naming no claim', () => {
    givenPatient(overpaid).when((patient) => issuePatientRefund(fromCredit({ amountCents: 2_000 }), patient, null)).then([refundedFromCredit({ amountCents: 2_000 })]);
  });

  it('409 DUPLICATE_REFUND for a refund id already recorded', () => {
    givenPatient(overpaid, refundedFromCredit({ amountCents: 500 }))
      .when((patient) => issuePatientRefund(fromCredit({ amountCents: 500 }), patient, null))
      .thenThrows(DuplicateId, 'DUPLICATE_REFUND');
  });

  it.each([0, -500, 10.5])('400 for amount %p', (amountCents) => {
    const error = givenPatient(overpaid).when((patient) => issuePatientRefund(fromCredit({ amountCents }), patient, null)).thenThrows(InvalidInput);
    expect(error.errors.map((e) => e.field)).toEqual(['amountCents']);
  });

  it('422 NOT_PATIENTS_CLAIM for an unknown claim', () => {
    givenPatient(patientPaid()).when((patient) => issuePatientRefund(command(), patient, null)).thenThrows(RuleViolation, 'NOT_PATIENTS_CLAIM');
  });

  it("422 NOT_PATIENTS_CLAIM for another patient's claim", () => {
    const theirs: Claim = { ...claimWithCredit, patientId: OTHER_PATIENT_ID };
    givenPatient(patientPaid()).when((patient) => issuePatientRefund(command(), patient, theirs)).thenThrows(RuleViolation, 'NOT_PATIENTS_CLAIM');
  });

  describe('422 REFUND_EXCEEDS_CREDIT', () => {
    it("a cent more than the claim's credit", () => {
      givenPatient(patientPaid())
        .when((patient) => issuePatientRefund(command({ amountCents: 4_001 }), patient, claimWithCredit))
        .thenThrows(RuleViolation, 'REFUND_EXCEEDS_CREDIT');
    });

    it('a claim the patient owes on (no overpayment)', () => {
      givenPatient(patientPaid({ amountCents: 2_000, allocations: [{ claimId: CLAIM_ID, amountCents: 2_000 }] }))
        .when((patient) => issuePatientRefund(command(), patient, claimAfter(...CLAIM_IN.paid, patientPaid({ amountCents: 2_000, allocations: [{ claimId: CLAIM_ID, amountCents: 2_000 }] }))))
        .thenThrows(RuleViolation, 'REFUND_EXCEEDS_CREDIT');
    });

    it('a cent more than the unallocated credit', () => {
      givenPatient(overpaid).when((patient) => issuePatientRefund(fromCredit({ amountCents: 2_001 }), patient, null)).thenThrows(RuleViolation, 'REFUND_EXCEEDS_CREDIT');
    });

    it('unallocated credit already refunded', () => {
      givenPatient(overpaid, refundedFromCredit({ amountCents: 2_000 }))
        .when((patient) => issuePatientRefund(fromCredit({ refundId: 'ref-2', amountCents: 1 }), patient, null))
        .thenThrows(RuleViolation, 'REFUND_EXCEEDS_CREDIT');
    });

    it('credit on a claim does not count as unallocated credit', () => {
      givenPatient(patientPaid()).when((patient) => issuePatientRefund(fromCredit({ amountCents: 1 }), patient, null)).thenThrows(RuleViolation, 'REFUND_EXCEEDS_CREDIT');
    });

    // The patient's $40 was written off (charity), then the payer took its remittance back: the
    // patient balance is −$40, but the patient never paid a cent, so there is nothing to give back.
    it('a credit made of a write-off, not of a payment: the patient never paid anything', () => {
      const writtenOffThenTakenBack = claimAfter(...CLAIM_IN.paid, writtenOff({ amountCents: 4_000, reason: 'charity' }), reversed());
      givenPatient()
        .when((patient) => issuePatientRefund(command({ amountCents: 4_000 }), patient, writtenOffThenTakenBack))
        .thenThrows(RuleViolation, 'REFUND_EXCEEDS_CREDIT');
    });

    it('a claim with no patient money at all', () => {
      givenPatient(overpaid).when((patient) => issuePatientRefund(command(), patient, claimAfter(submitted()))).thenThrows(RuleViolation, 'REFUND_EXCEEDS_CREDIT');
    });
  });
});

describe('evolvePatient', () => {
  const state = (...events: PatientEvent[]) => givenPatient(...events).state;

  it('records payment and refund ids', () => {
    expect(state(overpaid, refundedFromCredit())).toMatchObject({ paymentIds: ['pay-1'], refundIds: ['ref-1'] });
  });

  it('a payment adds its unallocated rest to the credit; a refund from credit takes it back', () => {
    expect(state(overpaid).unallocatedCreditCents).toBe(2_000);
    expect(state(overpaid, refundedFromCredit({ amountCents: 1_500 })).unallocatedCreditCents).toBe(500);
  });

  it("a refund from a claim's credit leaves the unallocated credit alone", () => {
    expect(state(overpaid, refunded({ amountCents: 1_500 })).unallocatedCreditCents).toBe(2_000);
  });
});
