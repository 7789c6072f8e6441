import { DuplicateId, InvalidInput, RuleViolation } from '../../common/errors';
import type { EncounterBilled, EncounterState } from '../../encounters/encounter';
import { totalChargeCents, type ClaimState, type ClaimSubmitted } from '../claim';

export interface SubmitClaim {
  claimId: string;
  encounterId: string;
  payerId: string;
  memberId: string;
  submittedAt: string;
}

/**
 * A claim is submitted once per encounter and only for a coded one. It yields two facts: the
 * encounter is billed (encounter stream, the uniqueness guard) and the claim went out (claim stream).
 */
export const submitClaim = (
  command: SubmitClaim,
  encounter: EncounterState,
  claim: ClaimState,
  /** The claim the encounter's reservation names, when it names another one (null if that claim was never written). */
  reservationHolder: ClaimState = null,
): { encounterEvents: EncounterBilled[]; claimEvents: ClaimSubmitted[] } => {
  if (claim !== null) throw new DuplicateId('CLAIM_EXISTS', `claim ${command.claimId} already exists`);
  if (command.memberId.trim() === '') throw new InvalidInput('memberId is required', [{ field: 'memberId', message: 'the member id on the insurance card' }]);
  if (encounter === null) throw new RuleViolation('ENCOUNTER_NOT_CODED', `encounter ${command.encounterId} has not been coded`);
  // A reservation whose claim was never written for this encounter (its submission failed after reserving) is void.
  const reservedByOther =
    encounter.claimId !== null && encounter.claimId !== command.claimId && reservationHolder?.encounterId === encounter.encounterId;
  if (reservedByOther) {
    throw new RuleViolation(
      'ENCOUNTER_ALREADY_BILLED',
      `encounter ${command.encounterId} is already billed on claim ${encounter.claimId}`,
    );
  }
  // A reservation left by an interrupted earlier attempt with this claim id is completed, not repeated.
  const encounterEvents: EncounterBilled[] =
    encounter.claimId === command.claimId ? [] : [{ type: 'EncounterBilled', data: { encounterId: command.encounterId, claimId: command.claimId } }];
  return {
    encounterEvents,
    claimEvents: [
      {
        type: 'ClaimSubmitted',
        data: {
          claimId: command.claimId,
          encounterId: command.encounterId,
          patientId: encounter.patientId,
          payerId: command.payerId,
          memberId: command.memberId,
          providerNpi: encounter.providerNpi,
          dateOfService: encounter.dateOfService,
          diagnoses: [...encounter.diagnoses],
          lines: encounter.lines.map((line) => ({ ...line, modifiers: [...line.modifiers], diagnosisPointers: [...line.diagnosisPointers] })),
          totalChargeCents: totalChargeCents(encounter.lines),
          frequencyCode: '1',
          submittedAt: command.submittedAt,
        },
      },
    ],
  };
};
