import { NotFound, RuleViolation } from '../../common/errors';
import {
  CLAIM_ID,
  CLAIM_IN,
  denied,
  givenClaim,
  linesDenied,
  remittanceLine,
  remitted,
  reversed,
  submitted,
  voided,
} from '../claim-fixtures';
import { reverseRemittance, type ReverseRemittance } from './reverse-remittance';

const command = (overrides: Partial<ReverseRemittance> = {}): ReverseRemittance => ({
  claimId: CLAIM_ID,
  remittanceId: 'era-1',
  reversedAt: '2025-05-01T00:00:00Z',
  ...overrides,
});

describe('reverseRemittance', () => {
  it.each(['partially_paid', 'paid', 'closed'] as const)('takes back a standing payment on a %s claim', (status) => {
    givenClaim(CLAIM_IN[status]).when((claim) => reverseRemittance(command(), claim)).then([reversed()]);
  });

  it('takes back one payment of two', () => {
    givenClaim([
      submitted(),
      remitted({ remittanceId: 'era-1', lines: [remittanceLine(1, 15_000)] }),
      remitted({ remittanceId: 'era-2', lines: [remittanceLine(2, 7_500)] }),
    ])
      .when((claim) => reverseRemittance(command({ remittanceId: 'era-2' }), claim))
      .then([reversed({ remittanceId: 'era-2' })]);
  });

  it('takes back a payment made on appeal of a denied claim', () => {
    givenClaim([submitted(), denied(), remitted()]).when((claim) => reverseRemittance(command(), claim)).then([reversed()]);
  });

  it('404 for an unknown claim', () => {
    givenClaim([]).when((claim) => reverseRemittance(command(), claim)).thenThrows(NotFound);
  });

  it('404 for a remittance the claim never had', () => {
    givenClaim(CLAIM_IN.paid).when((claim) => reverseRemittance(command({ remittanceId: 'era-unknown' }), claim)).thenThrows(NotFound);
  });

  it('422 NOT_A_PAYMENT for a denial', () => {
    givenClaim([submitted(), linesDenied([2])])
      .when((claim) => reverseRemittance(command({ remittanceId: 'era-denial-lines-2' }), claim))
      .thenThrows(RuleViolation, 'NOT_A_PAYMENT');
  });

  it('422 ALREADY_REVERSED for a payment taken back before', () => {
    givenClaim([...CLAIM_IN.paid, reversed()]).when((claim) => reverseRemittance(command(), claim)).thenThrows(RuleViolation, 'ALREADY_REVERSED');
  });

  it('422 CLAIM_VOIDED on a voided claim', () => {
    givenClaim([...CLAIM_IN.paid, reversed(), voided()]).when((claim) => reverseRemittance(command(), claim)).thenThrows(RuleViolation, 'CLAIM_VOIDED');
  });
});
