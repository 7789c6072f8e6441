import { InvalidInput, RuleViolation } from '../../common/errors';
import type { ClaimState, ClaimVoided } from '../claim';
import { assertNotVoided, existingClaim } from '../claim-rules';

export interface VoidClaim {
  claimId: string;
  reason: string;
  voidedAt: string;
}

/** Void only when no payment stands: money received must be reversed or refunded first. */
export const voidClaim = (command: VoidClaim, state: ClaimState): ClaimVoided[] => {
  const claim = existingClaim(state, command.claimId);
  assertNotVoided(claim);
  if (command.reason.trim() === '') throw new InvalidInput('a void says why', [{ field: 'reason', message: 'required' }]);
  if (claim.money.payerPaidCents !== 0 || claim.money.patientPaidCents !== 0) {
    throw new RuleViolation(
      'PAYMENT_STANDS',
      `claim ${claim.claimId} has payments standing (payer ${claim.money.payerPaidCents}, patient ${claim.money.patientPaidCents}); reverse or refund them first`,
    );
  }
  return [{ type: 'ClaimVoided', data: { claimId: claim.claimId, reason: command.reason, voidedAt: command.voidedAt } }];
};
