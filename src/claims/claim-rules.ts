import { validateCode } from '../codes';
import { DuplicateId, InvalidInput, NotFound, RuleViolation } from '../common/errors';
import { isCents } from '../common/money';
import type { Adjustment, Claim, ClaimState, ClaimStatus } from './claim';

/** The claim must exist: an unknown claim id is a 404. */
export const existingClaim = (state: ClaimState, claimId: string): Claim => {
  if (state === null) throw new NotFound(`claim ${claimId} does not exist`);
  return state;
};

/** Nothing but reads applies to a voided claim. */
export const assertNotVoided = (claim: Claim): void => {
  if (claim.status === 'voided') throw new RuleViolation('CLAIM_VOIDED', `claim ${claim.claimId} is voided; nothing but reads applies to it`);
};

export const assertStatus = (claim: Claim, allowed: readonly ClaimStatus[], what: string): void => {
  assertNotVoided(claim);
  if (!allowed.includes(claim.status)) {
    throw new RuleViolation(
      'INVALID_CLAIM_STATUS',
      `${what} applies to a claim that is ${allowed.join(' or ')}; claim ${claim.claimId} is ${claim.status}`,
    );
  }
};

export const assertRemittanceIdUnused = (claim: Claim, remittanceId: string): void => {
  if (claim.remittances.some((r) => r.remittanceId === remittanceId)) {
    throw new DuplicateId('DUPLICATE_REMITTANCE', `remittance ${remittanceId} is already recorded on claim ${claim.claimId}`);
  }
};

export const assertLinesExist = (claim: Claim, lineNumbers: readonly number[]): void => {
  if (new Set(lineNumbers).size !== lineNumbers.length) throw new InvalidInput('a line number is listed twice');
  const unknown = lineNumbers.find((n) => !claim.lines.some((line) => line.lineNumber === n));
  if (unknown !== undefined) throw new RuleViolation('UNKNOWN_LINE', `claim ${claim.claimId} has no line ${unknown}`);
};

/** Adjustment codes are checked for form (400); amounts are integer cents and may be negative, as in an 835. */
export const assertAdjustmentsWellFormed = (adjustments: readonly Adjustment[], field: string): void => {
  const errors: { field: string; message: string }[] = [];
  adjustments.forEach((adjustment, i) => {
    const group = validateCode('adjustmentGroup', adjustment.group);
    if (group !== null) errors.push({ field: `${field}[${i}].group`, message: group });
    const reason = validateCode('carc', adjustment.reason);
    if (reason !== null) errors.push({ field: `${field}[${i}].reason`, message: reason });
    if (!isCents(adjustment.amountCents)) errors.push({ field: `${field}[${i}].amountCents`, message: 'integer cents' });
  });
  if (errors.length > 0) throw new InvalidInput('an adjustment is not valid', errors);
};

export const assertRemarksWellFormed = (remarks: readonly string[]): void => {
  const errors = remarks.flatMap((code, i) => {
    const message = validateCode('rarc', code);
    return message === null ? [] : [{ field: `remarks[${i}]`, message }];
  });
  if (errors.length > 0) throw new InvalidInput('a remark code is not valid', errors);
};

export const assertPositiveCents = (amountCents: number, field: string): void => {
  if (!isCents(amountCents) || amountCents <= 0) throw new InvalidInput(`${field} must be positive integer cents`, [{ field, message: 'positive integer cents' }]);
};
