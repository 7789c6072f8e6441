import { InvalidInput, RuleViolation } from '../../common/errors';
import type { ClaimRejected, ClaimState, RejectionReason } from '../claim';
import { assertStatus, existingClaim } from '../claim-rules';

export interface RejectClaim {
  claimId: string;
  reasons: RejectionReason[];
  rejectedAt: string;
}

/** A front-end rejection comes before adjudication, so only a claim awaiting its first answer can be rejected. */
export const rejectClaim = (command: RejectClaim, state: ClaimState): ClaimRejected[] => {
  const claim = existingClaim(state, command.claimId);
  assertStatus(claim, ['submitted'], 'a rejection');
  if (claim.remittances.some((r) => r.kind === 'payment' && !r.reversed)) {
    throw new RuleViolation('CLAIM_ADJUDICATED', `claim ${claim.claimId} has a payment standing; a front-end rejection comes before adjudication`);
  }
  if (command.reasons.length === 0) throw new InvalidInput('a rejection needs at least one reason', [{ field: 'reasons', message: 'at least one' }]);
  return [{ type: 'ClaimRejected', data: { claimId: claim.claimId, reasons: command.reasons, rejectedAt: command.rejectedAt } }];
};
