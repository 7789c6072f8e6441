import type { ClaimResubmitted, ClaimState } from '../claim';
import { assertStatus, existingClaim } from '../claim-rules';

export interface ResubmitClaim {
  claimId: string;
  resubmittedAt: string;
}

/** Only a corrected claim goes out again, as a replacement (frequency 7). */
export const resubmitClaim = (command: ResubmitClaim, state: ClaimState): ClaimResubmitted[] => {
  const claim = existingClaim(state, command.claimId);
  assertStatus(claim, ['corrected'], 'a resubmission');
  return [{ type: 'ClaimResubmitted', data: { claimId: claim.claimId, frequencyCode: '7', resubmittedAt: command.resubmittedAt } }];
};
