import { InvalidInput, RuleViolation } from '../../common/errors';
import { openLineNumbers, type Adjustment, type ClaimState, type DenialReceived } from '../claim';
import {
  assertAdjustmentsWellFormed,
  assertLinesExist,
  assertRemarksWellFormed,
  assertNotVoided,
  assertRemittanceIdUnused,
  assertStatus,
  existingClaim,
} from '../claim-rules';

export interface ReceiveDenial {
  claimId: string;
  remittanceId: string;
  payerClaimControlNumber?: string;
  lineNumbers?: number[];
  adjustments: Adjustment[];
  remarks: string[];
  receivedAt: string;
}

/** A denial moves no money: the charge stays in payer A/R, in the denied bucket. */
export const receiveDenial = (command: ReceiveDenial, state: ClaimState): DenialReceived[] => {
  const claim = existingClaim(state, command.claimId);
  assertNotVoided(claim);
  assertRemittanceIdUnused(claim, command.remittanceId);
  assertStatus(claim, ['submitted', 'partially_paid'], 'a denial');
  if (command.adjustments.length === 0) {
    throw new InvalidInput('a denial carries at least one adjustment reason', [{ field: 'adjustments', message: 'at least one' }]);
  }
  assertAdjustmentsWellFormed(command.adjustments, 'adjustments');
  assertRemarksWellFormed(command.remarks);
  const open = openLineNumbers(claim);
  if (command.lineNumbers !== undefined) {
    if (command.lineNumbers.length === 0) throw new InvalidInput('lineNumbers, when given, names at least one line');
    assertLinesExist(claim, command.lineNumbers);
    const paid = command.lineNumbers.find((n) => !open.includes(n));
    if (paid !== undefined) throw new RuleViolation('LINE_ALREADY_PAID', `line ${paid} of claim ${claim.claimId} is already paid`);
  } else if (open.length === 0) {
    throw new RuleViolation('NO_OPEN_LINES', `claim ${claim.claimId} has no line left to deny`);
  }
  const { claimId: _claimId, ...rest } = command;
  return [{ type: 'DenialReceived', data: { claimId: claim.claimId, ...rest } }];
};
