import { InvalidInput, NotFound, RuleViolation } from '../../common/errors';
import { WRITE_OFF_REASONS, type WriteOffReason } from '../claim';
import { CLAIM_ID, CLAIM_IN, givenClaim, patientPaid, submitted, TOTAL_CHARGE_CENTS, writtenOff } from '../claim-fixtures';
import { postWriteOff, type PostWriteOff } from './post-write-off';

const command = (overrides: Partial<PostWriteOff> = {}): PostWriteOff => ({
  claimId: CLAIM_ID,
  amountCents: 1_000,
  from: 'patient',
  reason: 'small_balance',
  postedAt: '2025-06-01T00:00:00Z',
  ...overrides,
});

// CLAIM_IN.paid: payer balance 0, patient balance $40 (copay $30 + coinsurance $10).
describe('postWriteOff', () => {
  it('writes off part of the patient balance', () => {
    givenClaim(CLAIM_IN.paid).when((claim) => postWriteOff(command(), claim)).then([writtenOff()]);
  });

  it('writes off the whole patient balance', () => {
    givenClaim(CLAIM_IN.paid)
      .when((claim) => postWriteOff(command({ amountCents: 4_000, reason: 'charity' }), claim))
      .then([writtenOff({ amountCents: 4_000, reason: 'charity' })]);
  });

  it('writes off the whole payer balance (timely filing)', () => {
    const cmd = command({ from: 'payer', amountCents: TOTAL_CHARGE_CENTS, reason: 'timely_filing' });
    givenClaim([submitted()]).when((claim) => postWriteOff(cmd, claim)).then([writtenOff({ from: 'payer', amountCents: TOTAL_CHARGE_CENTS, reason: 'timely_filing' })]);
  });

  it('writes off from a denied claim: the denied charge stays in payer A/R until written off', () => {
    givenClaim(CLAIM_IN.denied)
      .when((claim) => postWriteOff(command({ from: 'payer', amountCents: 7_500, reason: 'administrative' }), claim))
      .then([writtenOff({ from: 'payer', amountCents: 7_500, reason: 'administrative' })]);
  });

  it.each(WRITE_OFF_REASONS)('takes reason %s', (reason: WriteOffReason) => {
    givenClaim(CLAIM_IN.paid).when((claim) => postWriteOff(command({ reason }), claim)).then([writtenOff({ reason })]);
  });

  it('404 for an unknown claim', () => {
    givenClaim([]).when((claim) => postWriteOff(command(), claim)).thenThrows(NotFound);
  });

  it('422 CLAIM_VOIDED on a voided claim', () => {
    givenClaim(CLAIM_IN.voided).when((claim) => postWriteOff(command({ from: 'payer' }), claim)).thenThrows(RuleViolation, 'CLAIM_VOIDED');
  });

  it.each([0, -100, 10.5, Number.NaN])('400 for amount %p', (amountCents) => {
    const error = givenClaim(CLAIM_IN.paid).when((claim) => postWriteOff(command({ amountCents }), claim)).thenThrows(InvalidInput);
    expect(error.errors.map((e) => e.field)).toEqual(['amountCents']);
  });

  describe('422 WRITE_OFF_EXCEEDS_BALANCE', () => {
    it('more than the patient balance', () => {
      givenClaim(CLAIM_IN.paid).when((claim) => postWriteOff(command({ amountCents: 4_001 }), claim)).thenThrows(RuleViolation, 'WRITE_OFF_EXCEEDS_BALANCE');
    });

    it('from the patient when the patient owes nothing yet', () => {
      givenClaim([submitted()]).when((claim) => postWriteOff(command({ amountCents: 1 }), claim)).thenThrows(RuleViolation, 'WRITE_OFF_EXCEEDS_BALANCE');
    });

    it('more than the payer balance', () => {
      givenClaim([submitted()])
        .when((claim) => postWriteOff(command({ from: 'payer', amountCents: TOTAL_CHARGE_CENTS + 1 }), claim))
        .thenThrows(RuleViolation, 'WRITE_OFF_EXCEEDS_BALANCE');
    });

    it('from the payer once the payer has settled', () => {
      givenClaim(CLAIM_IN.paid).when((claim) => postWriteOff(command({ from: 'payer', amountCents: 1 }), claim)).thenThrows(RuleViolation, 'WRITE_OFF_EXCEEDS_BALANCE');
    });

    it('what a patient payment and an earlier write-off already took', () => {
      givenClaim([...CLAIM_IN.paid, patientPaid({ amountCents: 2_500, allocations: [{ claimId: CLAIM_ID, amountCents: 2_500 }] }), writtenOff({ amountCents: 1_000 })])
        .when((claim) => postWriteOff(command({ amountCents: 501 }), claim))
        .thenThrows(RuleViolation, 'WRITE_OFF_EXCEEDS_BALANCE');
    });
  });
});
