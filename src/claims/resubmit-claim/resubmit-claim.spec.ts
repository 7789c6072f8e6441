import { NotFound, RuleViolation } from '../../common/errors';
import { CLAIM_ID, CLAIM_IN, corrected, givenClaim, rejected, resubmitted, statusesOtherThan, submitted, voided } from '../claim-fixtures';
import { resubmitClaim, type ResubmitClaim } from './resubmit-claim';

const command = (overrides: Partial<ResubmitClaim> = {}): ResubmitClaim => ({
  claimId: CLAIM_ID,
  resubmittedAt: '2025-04-03T11:00:00Z',
  ...overrides,
});

describe('resubmitClaim', () => {
  it('sends a corrected (denied) claim out again as a replacement, frequency 7', () => {
    givenClaim(CLAIM_IN.corrected).when((claim) => resubmitClaim(command(), claim)).then([resubmitted()]);
  });

  it('sends a corrected (rejected) claim out again', () => {
    givenClaim([submitted(), rejected(), corrected()]).when((claim) => resubmitClaim(command(), claim)).then([resubmitted()]);
  });

  it('404 for an unknown claim', () => {
    givenClaim([]).when((claim) => resubmitClaim(command(), claim)).thenThrows(NotFound);
  });

  it.each(statusesOtherThan('corrected'))('422 INVALID_CLAIM_STATUS for a %s claim', (status) => {
    givenClaim(CLAIM_IN[status]).when((claim) => resubmitClaim(command(), claim)).thenThrows(RuleViolation, 'INVALID_CLAIM_STATUS');
  });

  it('422 INVALID_CLAIM_STATUS for a claim already resubmitted: one correction, one resubmission', () => {
    givenClaim([...CLAIM_IN.corrected, resubmitted()]).when((claim) => resubmitClaim(command(), claim)).thenThrows(RuleViolation, 'INVALID_CLAIM_STATUS');
  });

  it('422 CLAIM_VOIDED for a claim voided after its correction', () => {
    givenClaim([...CLAIM_IN.corrected, voided()]).when((claim) => resubmitClaim(command(), claim)).thenThrows(RuleViolation, 'CLAIM_VOIDED');
  });
});
