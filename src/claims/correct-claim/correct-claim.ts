import { InvalidInput, RuleViolation } from '../../common/errors';
import { assertCodingInput, assertPointersResolve } from '../../encounters/coding-rules';
import type { ServiceLine } from '../../encounters/encounter';
import { balancesOf, totalChargeCents, type ClaimCorrected, type ClaimState } from '../claim';
import { assertStatus, existingClaim } from '../claim-rules';

export interface CorrectClaim {
  claimId: string;
  diagnoses?: string[];
  lines?: ServiceLine[];
  reason: string;
  correctedAt: string;
}

/** Only a rejected or denied claim is corrected; the fix may repeat the same codes (the error may lie with the payer). */
export const correctClaim = (command: CorrectClaim, state: ClaimState): ClaimCorrected[] => {
  const claim = existingClaim(state, command.claimId);
  assertStatus(claim, ['rejected', 'denied'], 'a correction');
  if (command.reason.trim() === '') throw new InvalidInput('a correction says why', [{ field: 'reason', message: 'required' }]);
  const diagnoses = command.diagnoses ?? claim.diagnoses;
  const lines = command.lines ?? claim.lines;
  assertCodingInput({ diagnoses, lines });
  assertPointersResolve(diagnoses, lines);
  if (command.lines !== undefined) {
    // New charges may not fall below what has already been resolved (adjusted or written off).
    const before = balancesOf(claim.money);
    const resolvedCents = before.chargesCents - before.balanceCents;
    if (totalChargeCents(command.lines) < resolvedCents) {
      throw new RuleViolation(
        'CHARGES_BELOW_RESOLVED',
        `corrected charges ${totalChargeCents(command.lines)} are below the ${resolvedCents} cents already resolved on claim ${claim.claimId}`,
      );
    }
  }
  const data: ClaimCorrected['data'] = {
    claimId: claim.claimId,
    reason: command.reason,
    correctedAt: command.correctedAt,
    ...(command.diagnoses !== undefined && { diagnoses: command.diagnoses }),
    ...(command.lines !== undefined && { lines: command.lines }),
  };
  return [{ type: 'ClaimCorrected', data }];
};
