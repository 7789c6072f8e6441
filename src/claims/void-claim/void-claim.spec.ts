import { InvalidInput, NotFound, RuleViolation } from '../../common/errors';
import {
  CLAIM_ID,
  CLAIM_IN,
  co,
  givenClaim,
  patientPaid,
  pr,
  refunded,
  remittanceLine,
  remitted,
  reversed,
  submitted,
  voided,
  writtenOff,
} from '../claim-fixtures';
import { voidClaim, type VoidClaim } from './void-claim';

const command = (overrides: Partial<VoidClaim> = {}): VoidClaim => ({
  claimId: CLAIM_ID,
  reason: 'billed to the wrong payer',
  voidedAt: '2025-03-20T00:00:00Z',
  ...overrides,
});

/** A remittance that paid nothing: CO-45 and a deductible (PR-1) take the whole charge. */
const zeroPay = remitted({
  lines: [remittanceLine(1, 0, co('45', 5_000), pr('1', 10_000)), remittanceLine(2, 0, co('45', 7_500)), remittanceLine(3, 0, co('45', 17_500))],
});

/** The patient paid $30 toward the deductible, then the payer took the remittance back: a $30 patient credit. */
const deductiblePaidThenTakenBack = [
  submitted(),
  zeroPay,
  patientPaid({ amountCents: 3_000, allocations: [{ claimId: CLAIM_ID, amountCents: 3_000 }] }),
  reversed(),
];

describe('voidClaim', () => {
  it.each(['submitted', 'rejected', 'denied', 'corrected'] as const)('voids a %s claim (frequency 8)', (status) => {
    givenClaim(CLAIM_IN[status]).when((claim) => voidClaim(command(), claim)).then([voided()]);
  });

  it('voids a claim whose remittance paid nothing (adjustments only)', () => {
    givenClaim([submitted(), zeroPay]).when((claim) => voidClaim(command(), claim)).then([voided()]);
  });

  it('voids a claim whose payment was taken back', () => {
    givenClaim([...CLAIM_IN.paid, reversed()]).when((claim) => voidClaim(command(), claim)).then([voided()]);
  });

  it('voids a claim whose patient payment was refunded in full (the payer took its adjudication back)', () => {
    givenClaim([...deductiblePaidThenTakenBack, refunded({ amountCents: 3_000 })])
      .when((claim) => voidClaim(command(), claim))
      .then([voided()]);
  });

  it('voids a claim with a write-off', () => {
    givenClaim([submitted(), writtenOff({ from: 'payer', amountCents: 5_000, reason: 'administrative' })])
      .when((claim) => voidClaim(command(), claim))
      .then([voided()]);
  });

  it('404 for an unknown claim', () => {
    givenClaim([]).when((claim) => voidClaim(command(), claim)).thenThrows(NotFound);
  });

  it('422 CLAIM_VOIDED for a claim voided before', () => {
    givenClaim(CLAIM_IN.voided).when((claim) => voidClaim(command(), claim)).thenThrows(RuleViolation, 'CLAIM_VOIDED');
  });

  it.each(['', ' '])('400 when the reason is blank (%j)', (reason) => {
    const error = givenClaim([submitted()]).when((claim) => voidClaim(command({ reason }), claim)).thenThrows(InvalidInput);
    expect(error.errors.map((e) => e.field)).toEqual(['reason']);
  });

  describe('422 PAYMENT_STANDS', () => {
    it.each(['partially_paid', 'paid', 'closed'] as const)('a payer payment on a %s claim', (status) => {
      givenClaim(CLAIM_IN[status]).when((claim) => voidClaim(command(), claim)).thenThrows(RuleViolation, 'PAYMENT_STANDS');
    });

    it('a patient payment (the payer paid nothing)', () => {
      givenClaim([submitted(), zeroPay, patientPaid({ amountCents: 3_000, allocations: [{ claimId: CLAIM_ID, amountCents: 3_000 }] })])
        .when((claim) => voidClaim(command(), claim))
        .thenThrows(RuleViolation, 'PAYMENT_STANDS');
    });

    it('part of a patient payment left after a partial refund', () => {
      givenClaim([...deductiblePaidThenTakenBack, refunded({ amountCents: 2_999 })])
        .when((claim) => voidClaim(command(), claim))
        .thenThrows(RuleViolation, 'PAYMENT_STANDS');
    });
  });
});
