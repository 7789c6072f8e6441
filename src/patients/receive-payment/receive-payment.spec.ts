import {
  CLAIM_ID,
  CLAIM_IN,
  claimAfter,
  OTHER_CLAIM_ID,
  OTHER_PATIENT_ID,
  patientPaid,
  PATIENT_ID,
  submitted,
} from '../../claims/claim-fixtures';
import type { Claim } from '../../claims/claim';
import { fold, given } from '../../common/decider-spec';
import { DuplicateId, InvalidInput, RuleViolation } from '../../common/errors';
import { evolvePatient, initialPatientState, type PatientEvent } from '../patient';
import { receivePatientPayment, type ReceivePatientPayment } from './receive-payment';

// CLAIM_IN.paid: the patient owes $40 (copay $30 + coinsurance $10).
const paidClaim = claimAfter(...CLAIM_IN.paid);
const claims = (...list: Claim[]): ReadonlyMap<string, Claim> => new Map(list.map((claim) => [claim.claimId, claim]));

const command = (overrides: Partial<ReceivePatientPayment> = {}): ReceivePatientPayment => ({
  patientId: PATIENT_ID,
  paymentId: 'pay-1',
  amountCents: 4_000,
  method: 'card',
  receivedAt: '2025-04-20T15:00:00Z',
  allocations: [{ claimId: CLAIM_ID, amountCents: 4_000 }],
  ...overrides,
});

const givenPatient = (...events: PatientEvent[]) => given(evolvePatient, initialPatientState(PATIENT_ID), events);
const onPaidClaim = (cmd: ReceivePatientPayment) => givenPatient().when((patient) => receivePatientPayment(cmd, patient, claims(paidClaim)));

describe('receivePatientPayment', () => {
  it('allocates a payment to the patient balance of a claim', () => {
    onPaidClaim(command()).then([patientPaid()]);
  });

  it('keeps the unallocated rest as patient credit', () => {
    const cmd = command({ amountCents: 10_000, method: 'cash', allocations: [{ claimId: CLAIM_ID, amountCents: 2_500 }] });
    const expected = patientPaid({ amountCents: 10_000, method: 'cash', allocations: [{ claimId: CLAIM_ID, amountCents: 2_500 }] });
    onPaidClaim(cmd).then([expected]);
    expect(fold(evolvePatient, initialPatientState(PATIENT_ID), [expected]).unallocatedCreditCents).toBe(7_500);
  });

  it('takes a payment with no allocation at all (a prepayment: all credit)', () => {
    givenPatient()
      .when((patient) => receivePatientPayment(command({ method: 'check', allocations: [] }), patient, claims()))
      .then([patientPaid({ method: 'check', allocations: [] })]);
  });

  it('allocates to two claims of the patient', () => {
    const other = claimAfter(...CLAIM_IN.paid.map((e) => ({ ...e, data: { ...e.data, claimId: OTHER_CLAIM_ID } }) as typeof e));
    const allocations = [
      { claimId: CLAIM_ID, amountCents: 4_000 },
      { claimId: OTHER_CLAIM_ID, amountCents: 1_000 },
    ];
    givenPatient()
      .when((patient) => receivePatientPayment(command({ amountCents: 5_000, method: 'ach', allocations }), patient, claims(paidClaim, other)))
      .then([patientPaid({ amountCents: 5_000, method: 'ach', allocations })]);
  });

  it('does not share the allocations array with the command', () => {
    const cmd = command();
    const [event] = receivePatientPayment(cmd, initialPatientState(PATIENT_ID), claims(paidClaim));
    expect(event?.data.allocations).toEqual(cmd.allocations);
    expect(event?.data.allocations).not.toBe(cmd.allocations);
  });

  it('409 DUPLICATE_PAYMENT for a payment id already recorded', () => {
    givenPatient(patientPaid({ allocations: [] }))
      .when((patient) => receivePatientPayment(command(), patient, claims(paidClaim)))
      .thenThrows(DuplicateId, 'DUPLICATE_PAYMENT');
  });

  describe('400 on malformed input', () => {
    it.each([0, -100, 40.5])('amount %p', (amountCents) => {
      const error = onPaidClaim(command({ amountCents, allocations: [] })).thenThrows(InvalidInput);
      expect(error.errors.map((e) => e.field)).toEqual(['amountCents']);
    });

    it.each([0, -1, 1.5])('an allocation of %p', (amountCents) => {
      const error = onPaidClaim(command({ allocations: [{ claimId: CLAIM_ID, amountCents }] })).thenThrows(InvalidInput);
      expect(error.errors.map((e) => e.field)).toEqual(['allocations[0].amountCents']);
    });

    it('a claim allocated twice in one payment', () => {
      const allocations = [
        { claimId: CLAIM_ID, amountCents: 1_000 },
        { claimId: CLAIM_ID, amountCents: 1_000 },
      ];
      onPaidClaim(command({ allocations })).thenThrows(InvalidInput);
    });
  });

  it('422 ALLOCATIONS_EXCEED_PAYMENT when the allocations add up to more than was received', () => {
    onPaidClaim(command({ amountCents: 3_999 })).thenThrows(RuleViolation, 'ALLOCATIONS_EXCEED_PAYMENT');
  });

  it('422 NOT_PATIENTS_CLAIM for an unknown claim', () => {
    givenPatient().when((patient) => receivePatientPayment(command(), patient, claims())).thenThrows(RuleViolation, 'NOT_PATIENTS_CLAIM');
  });

  it("422 NOT_PATIENTS_CLAIM for another patient's claim", () => {
    const theirs = claimAfter(...CLAIM_IN.paid.map((e) => (e.type === 'ClaimSubmitted' ? submitted({ patientId: OTHER_PATIENT_ID }) : e)));
    givenPatient().when((patient) => receivePatientPayment(command(), patient, claims(theirs))).thenThrows(RuleViolation, 'NOT_PATIENTS_CLAIM');
  });

  it('422 CLAIM_VOIDED for a voided claim', () => {
    givenPatient()
      .when((patient) => receivePatientPayment(command(), patient, claims(claimAfter(...CLAIM_IN.voided))))
      .thenThrows(RuleViolation, 'CLAIM_VOIDED');
  });

  describe('422 ALLOCATION_EXCEEDS_PATIENT_BALANCE', () => {
    it('a cent more than the patient owes on the claim', () => {
      onPaidClaim(command({ amountCents: 5_000, allocations: [{ claimId: CLAIM_ID, amountCents: 4_001 }] })).thenThrows(
        RuleViolation,
        'ALLOCATION_EXCEEDS_PATIENT_BALANCE',
      );
    });

    it('a claim the payer has not adjudicated: the patient owes nothing on it yet', () => {
      givenPatient()
        .when((patient) => receivePatientPayment(command({ allocations: [{ claimId: CLAIM_ID, amountCents: 1 }] }), patient, claims(claimAfter(submitted()))))
        .thenThrows(RuleViolation, 'ALLOCATION_EXCEEDS_PATIENT_BALANCE');
    });

    it('a closed claim', () => {
      givenPatient()
        .when((patient) => receivePatientPayment(command({ paymentId: 'pay-2', allocations: [{ claimId: CLAIM_ID, amountCents: 1 }] }), patient, claims(claimAfter(...CLAIM_IN.closed))))
        .thenThrows(RuleViolation, 'ALLOCATION_EXCEEDS_PATIENT_BALANCE');
    });
  });
});
