import type { Claim } from '../../claims/claim';
import { DuplicateId, InvalidInput, RuleViolation } from '../../common/errors';
import { assertClaimIdsWellFormed, assertNotOnCurrentPlan, assertNotPlaced, owedClaim } from '../billing-rules';
import { statementsBilling, type PatientAccount } from '../patient-account';
import type { PlacedWithCollections } from '../patient-billing-events';

/**
 * Statements that must have billed a claim before it may go to an agency: nobody hears of a debt
 * first from a collector. The worklist's own threshold (N statements, an age) is policy and
 * configurable; this one is the floor.
 */
export const PLACEMENT_STATEMENTS_MIN = 1;
export const AGENCY_LENGTH_MAX = 100;

export interface PlaceWithCollections {
  patientId: string;
  placementId: string;
  agency: string;
  claimIds: string[];
  placedAt: string;
}

/**
 * Hands the patient balances of the named claims to a collection agency. Each claim is the
 * patient's, owes something, was billed on a statement, is on no current payment plan and is not
 * already placed. Payments still post normally while placed (collections move no money).
 */
export const placeWithCollections = (command: PlaceWithCollections, account: PatientAccount, claims: ReadonlyMap<string, Claim>): PlacedWithCollections[] => {
  if (account.placements.some((p) => p.placementId === command.placementId)) {
    throw new DuplicateId('DUPLICATE_PLACEMENT', `placement ${command.placementId} is already recorded for patient ${command.patientId}`);
  }
  if (command.agency.trim().length === 0 || command.agency.length > AGENCY_LENGTH_MAX) {
    throw new InvalidInput('agency names the collection agency', [{ field: 'agency', message: `1..${AGENCY_LENGTH_MAX} characters` }]);
  }
  assertClaimIdsWellFormed(command.claimIds);
  const placed = command.claimIds.map((claimId) => {
    const { patientBalanceCents } = owedClaim(claims, claimId, command.patientId);
    assertNotPlaced(account, claimId);
    assertNotOnCurrentPlan(account, claimId);
    if (statementsBilling(account, claimId).length < PLACEMENT_STATEMENTS_MIN) {
      throw new RuleViolation('NOT_BILLED_TO_PATIENT', `claim ${claimId} was never billed to the patient on a statement`);
    }
    return { claimId, amountCents: patientBalanceCents };
  });
  return [
    {
      type: 'PlacedWithCollections',
      data: {
        patientId: command.patientId,
        placementId: command.placementId,
        agency: command.agency,
        claims: placed,
        placedCents: placed.reduce((sum, c) => sum + c.amountCents, 0),
        placedAt: command.placedAt,
      },
    },
  ];
};
