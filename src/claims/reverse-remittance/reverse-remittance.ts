import { NotFound, RuleViolation } from '../../common/errors';
import type { ClaimState, RemittanceReversed } from '../claim';
import { assertNotVoided, existingClaim } from '../claim-rules';

export interface ReverseRemittance {
  claimId: string;
  remittanceId: string;
  reversedAt: string;
}

/** A payer take-back: undoes exactly what that remittance moved and returns the claim to awaiting adjudication. */
export const reverseRemittance = (command: ReverseRemittance, state: ClaimState): RemittanceReversed[] => {
  const claim = existingClaim(state, command.claimId);
  assertNotVoided(claim);
  const record = claim.remittances.find((r) => r.remittanceId === command.remittanceId);
  if (!record) throw new NotFound(`claim ${claim.claimId} has no remittance ${command.remittanceId}`);
  if (record.kind !== 'payment') {
    throw new RuleViolation('NOT_A_PAYMENT', `remittance ${command.remittanceId} was a denial; only a payment can be reversed`);
  }
  if (record.reversed) throw new RuleViolation('ALREADY_REVERSED', `remittance ${command.remittanceId} is already reversed`);
  return [{ type: 'RemittanceReversed', data: { claimId: claim.claimId, remittanceId: command.remittanceId, reversedAt: command.reversedAt } }];
};
