import { RuleViolation } from '../../common/errors';
import { balancesOf, type ClaimState, type WriteOffFrom, type WriteOffPosted, type WriteOffReason } from '../claim';
import { assertNotVoided, assertPositiveCents, existingClaim } from '../claim-rules';

export interface PostWriteOff {
  claimId: string;
  amountCents: number;
  from: WriteOffFrom;
  reason: WriteOffReason;
  postedAt: string;
}

export const postWriteOff = (command: PostWriteOff, state: ClaimState): WriteOffPosted[] => {
  const claim = existingClaim(state, command.claimId);
  assertNotVoided(claim);
  assertPositiveCents(command.amountCents, 'amountCents');
  const balances = balancesOf(claim.money);
  const availableCents = command.from === 'payer' ? balances.payerBalanceCents : balances.patientBalanceCents;
  // A write-off larger than what is owed would turn a receivable into a credit nobody asked for.
  if (command.amountCents > availableCents) {
    throw new RuleViolation(
      'WRITE_OFF_EXCEEDS_BALANCE',
      `write-off of ${command.amountCents} exceeds the ${command.from} balance of ${Math.max(availableCents, 0)} on claim ${claim.claimId}`,
    );
  }
  return [{ type: 'WriteOffPosted', data: { ...command, claimId: claim.claimId } }];
};
