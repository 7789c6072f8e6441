import { InvalidInput, RuleViolation } from '../../common/errors';
import { isCents, sumCents } from '../../common/money';
import { balancesOf, openLineNumbers, type Adjustment, type ClaimState, type RemittanceLine, type RemittancePosted } from '../claim';
import {
  assertAdjustmentsWellFormed,
  assertLinesExist,
  assertRemarksWellFormed,
  assertNotVoided,
  assertRemittanceIdUnused,
  assertStatus,
  existingClaim,
} from '../claim-rules';

export interface PostRemittance {
  claimId: string;
  remittanceId: string;
  payerClaimControlNumber?: string;
  paidCents: number;
  lines: RemittanceLine[];
  adjustments?: Adjustment[];
  remarks?: string[];
  receivedAt: string;
}

/**
 * A remittance balances per line, as an 835 does: line charge = paid + Σ adjustments; the claim's
 * payment is Σ line payments − Σ claim-level adjustments. A denied claim may still be paid on appeal.
 */
export const postRemittance = (command: PostRemittance, state: ClaimState): RemittancePosted[] => {
  const claim = existingClaim(state, command.claimId);
  assertNotVoided(claim);
  assertRemittanceIdUnused(claim, command.remittanceId);
  assertStatus(claim, ['submitted', 'partially_paid', 'denied'], 'a remittance');
  if (command.lines.length === 0) throw new InvalidInput('a remittance pays at least one line', [{ field: 'lines', message: 'at least one' }]);
  command.lines.forEach((line, i) => {
    if (!isCents(line.paidCents) || line.paidCents < 0) throw new InvalidInput(`lines[${i}].paidCents must be integer cents, not negative`);
    assertAdjustmentsWellFormed(line.adjustments, `lines[${i}].adjustments`);
  });
  const claimAdjustments = command.adjustments ?? [];
  assertAdjustmentsWellFormed(claimAdjustments, 'adjustments');
  assertRemarksWellFormed(command.remarks ?? []);
  if (!isCents(command.paidCents) || command.paidCents < 0) throw new InvalidInput('paidCents must be integer cents, not negative');

  const lineNumbers = command.lines.map((line) => line.lineNumber);
  assertLinesExist(claim, lineNumbers);
  const open = openLineNumbers(claim);
  const alreadyPaid = lineNumbers.find((n) => !open.includes(n));
  if (alreadyPaid !== undefined) {
    throw new RuleViolation('LINE_ALREADY_PAID', `line ${alreadyPaid} of claim ${claim.claimId} is already paid by a standing remittance`);
  }
  for (const line of command.lines) {
    const chargeCents = claim.lines.find((l) => l.lineNumber === line.lineNumber)?.chargeCents ?? 0;
    const accountedCents = line.paidCents + sumCents(line.adjustments.map((a) => a.amountCents));
    if (accountedCents !== chargeCents) {
      throw new RuleViolation(
        'REMITTANCE_LINE_UNBALANCED',
        `line ${line.lineNumber}: charge ${chargeCents} ≠ paid ${line.paidCents} + adjustments ${accountedCents - line.paidCents}`,
      );
    }
  }
  // What the payer resolves here cannot exceed what it still owes: a payer write-off already took part of it.
  const remittedChargeCents = sumCents(command.lines.map((line) => claim.lines.find((l) => l.lineNumber === line.lineNumber)?.chargeCents ?? 0));
  const payerBalanceCents = balancesOf(claim.money).payerBalanceCents;
  if (remittedChargeCents > payerBalanceCents) {
    throw new RuleViolation(
      'REMITTANCE_EXCEEDS_PAYER_BALANCE',
      `the remitted lines charge ${remittedChargeCents} but the payer balance is ${payerBalanceCents}; a payer write-off already covers part of them`,
    );
  }
  const expectedPaidCents = sumCents(command.lines.map((l) => l.paidCents)) - sumCents(claimAdjustments.map((a) => a.amountCents));
  if (expectedPaidCents !== command.paidCents) {
    throw new RuleViolation(
      'REMITTANCE_UNBALANCED',
      `paidCents ${command.paidCents} ≠ Σ line payments − Σ claim-level adjustments = ${expectedPaidCents}`,
    );
  }
  const { claimId: _claimId, ...rest } = command;
  return [{ type: 'RemittancePosted', data: { claimId: claim.claimId, ...rest } }];
};
