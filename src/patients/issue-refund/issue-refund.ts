import { balancesOf, type Claim } from '../../claims/claim';
import { assertPositiveCents } from '../../claims/claim-rules';
import { DuplicateId, RuleViolation } from '../../common/errors';
import type { Patient, PatientRefundIssued } from '../patient';

export interface IssuePatientRefund {
  patientId: string;
  refundId: string;
  amountCents: number;
  claimId?: string;
  issuedAt: string;
}

/**
 * A refund returns an overpayment: from one claim's credit (its patient balance below zero) or,
 * with no claim named, from the patient's unallocated credit. Never more than the credit.
 */
export const issuePatientRefund = (command: IssuePatientRefund, patient: Patient, claim: Claim | null): PatientRefundIssued[] => {
  if (patient.refundIds.includes(command.refundId)) {
    throw new DuplicateId('DUPLICATE_REFUND', `refund ${command.refundId} is already recorded for patient ${command.patientId}`);
  }
  assertPositiveCents(command.amountCents, 'amountCents');
  if (command.claimId !== undefined) {
    if (!claim || claim.patientId !== command.patientId) {
      throw new RuleViolation('NOT_PATIENTS_CLAIM', `claim ${command.claimId} is not a claim of patient ${command.patientId}`);
    }
    // A negative patient balance can also come from a write-off outliving a reversal; only money the patient paid goes back.
    const creditCents = Math.min(-balancesOf(claim.money).patientBalanceCents, claim.money.patientPaidCents);
    if (command.amountCents > creditCents) {
      throw new RuleViolation(
        'REFUND_EXCEEDS_CREDIT',
        `refund of ${command.amountCents} exceeds the ${Math.max(creditCents, 0)} cents the patient overpaid on claim ${claim.claimId}`,
      );
    }
  } else if (command.amountCents > patient.unallocatedCreditCents) {
    throw new RuleViolation(
      'REFUND_EXCEEDS_CREDIT',
      `refund of ${command.amountCents} exceeds the patient's unallocated credit of ${patient.unallocatedCreditCents}`,
    );
  }
  return [{ type: 'PatientRefundIssued', data: { ...command } }];
};
