import { InvalidInput, NotFound, RuleViolation } from '../../common/errors';
import {
  CLAIM_ID,
  CLAIM_IN,
  corrected,
  denied,
  givenClaim,
  rejected,
  remittanceLine,
  remitted,
  resubmitted,
  reversed,
  statusesOtherThan,
  submitted,
} from '../claim-fixtures';
import { rejectClaim, type RejectClaim } from './reject-claim';

const command = (overrides: Partial<RejectClaim> = {}): RejectClaim => ({
  claimId: CLAIM_ID,
  reasons: [{ code: 'A7:562', message: 'subscriber identifier invalid' }],
  rejectedAt: '2025-03-16T08:00:00Z',
  ...overrides,
});

describe('rejectClaim', () => {
  it('rejects a submitted claim with its reasons', () => {
    givenClaim([submitted()]).when((claim) => rejectClaim(command(), claim)).then([rejected()]);
  });

  it('rejects a resubmitted claim: it awaits its first answer again', () => {
    givenClaim([submitted(), denied(), corrected(), resubmitted()])
      .when((claim) => rejectClaim(command(), claim))
      .then([rejected()]);
  });

  it('404 for an unknown claim', () => {
    givenClaim([]).when((claim) => rejectClaim(command(), claim)).thenThrows(NotFound);
  });

  it.each(statusesOtherThan('submitted'))('422 INVALID_CLAIM_STATUS for a %s claim', (status) => {
    givenClaim(CLAIM_IN[status]).when((claim) => rejectClaim(command(), claim)).thenThrows(RuleViolation, 'INVALID_CLAIM_STATUS');
  });

  it('422 CLAIM_VOIDED for a voided claim', () => {
    givenClaim(CLAIM_IN.voided).when((claim) => rejectClaim(command(), claim)).thenThrows(RuleViolation, 'CLAIM_VOIDED');
  });

  it('400 without a reason', () => {
    const error = givenClaim([submitted()]).when((claim) => rejectClaim(command({ reasons: [] }), claim)).thenThrows(InvalidInput);
    expect(error.errors.map((e) => e.field)).toEqual(['reasons']);
  });

  // A reversal of one remittance returns the claim to `submitted` while another payment still stands.
  // A front-end rejection means "never adjudicated"; accepting it would open correction →
  // resubmission, which resets the paid line to pending, so the payer could pay it a second time.
  it('422 for a claim with a payment still standing (it was adjudicated; a front-end rejection no longer applies)', () => {
    givenClaim([
      submitted(),
      remitted({ remittanceId: 'era-1', lines: [remittanceLine(1, 15_000)] }),
      remitted({ remittanceId: 'era-2', lines: [remittanceLine(2, 7_500), remittanceLine(3, 17_500)] }),
      reversed({ remittanceId: 'era-2' }),
    ])
      .when((claim) => rejectClaim(command(), claim))
      .thenThrows(RuleViolation, 'CLAIM_ADJUDICATED');
  });
});
