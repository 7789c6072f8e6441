import { balancesOf, type Claim } from '../../claims/claim';
import { DuplicateId, InvalidInput, RuleViolation } from '../../common/errors';
import { sumCents } from '../../common/money';
import type { Patient, PatientPaymentReceived, PaymentAllocation, PaymentMethod } from '../patient';
import { assertPositiveCents } from '../../claims/claim-rules';

export interface ReceivePatientPayment {
  patientId: string;
  paymentId: string;
  amountCents: number;
  method: PaymentMethod;
  receivedAt: string;
  allocations: PaymentAllocation[];
}

/**
 * Allocations go to the patient's own claims and never exceed a claim's patient balance; the
 * unallocated rest of the payment is patient credit. `claims` holds the current state of every
 * claim named in an allocation (absent when the claim does not exist).
 */
export const receivePatientPayment = (
  command: ReceivePatientPayment,
  patient: Patient,
  claims: ReadonlyMap<string, Claim>,
): PatientPaymentReceived[] => {
  if (patient.paymentIds.includes(command.paymentId)) {
    throw new DuplicateId('DUPLICATE_PAYMENT', `payment ${command.paymentId} is already recorded for patient ${command.patientId}`);
  }
  assertPositiveCents(command.amountCents, 'amountCents');
  const claimIds = command.allocations.map((a) => a.claimId);
  if (new Set(claimIds).size !== claimIds.length) throw new InvalidInput('a claim is allocated twice in one payment');
  command.allocations.forEach((a, i) => assertPositiveCents(a.amountCents, `allocations[${i}].amountCents`));
  if (sumCents(command.allocations.map((a) => a.amountCents)) > command.amountCents) {
    throw new RuleViolation('ALLOCATIONS_EXCEED_PAYMENT', `allocations add up to more than the ${command.amountCents} cents received`);
  }
  for (const allocation of command.allocations) {
    const claim = claims.get(allocation.claimId);
    if (!claim || claim.patientId !== command.patientId) {
      throw new RuleViolation('NOT_PATIENTS_CLAIM', `claim ${allocation.claimId} is not a claim of patient ${command.patientId}`);
    }
    if (claim.status === 'voided') throw new RuleViolation('CLAIM_VOIDED', `claim ${claim.claimId} is voided`);
    const owedCents = balancesOf(claim.money).patientBalanceCents;
    if (allocation.amountCents > owedCents) {
      throw new RuleViolation(
        'ALLOCATION_EXCEEDS_PATIENT_BALANCE',
        `allocation of ${allocation.amountCents} to claim ${claim.claimId} exceeds its patient balance of ${Math.max(owedCents, 0)}`,
      );
    }
  }
  return [{ type: 'PatientPaymentReceived', data: { ...command, allocations: command.allocations.map((a) => ({ ...a })) } }];
};
