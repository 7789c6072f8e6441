import { NotFound, RuleViolation } from '../../common/errors';
import type { PatientAccount } from '../patient-account';
import type { RecalledFromCollections } from '../patient-billing-events';

export interface RecallFromCollections {
  patientId: string;
  placementId: string;
  reason: string;
  recalledAt: string;
}

/** Takes a placement back from its agency; its claims are the practice's to collect again. */
export const recallFromCollections = (command: RecallFromCollections, account: PatientAccount): RecalledFromCollections[] => {
  const placement = account.placements.find((p) => p.placementId === command.placementId);
  if (!placement) throw new NotFound(`patient ${command.patientId} has no collections placement ${command.placementId}`);
  if (placement.recalledAt !== null) {
    throw new RuleViolation('ALREADY_RECALLED', `placement ${command.placementId} was recalled from ${placement.agency} at ${placement.recalledAt}`);
  }
  return [
    {
      type: 'RecalledFromCollections',
      data: { patientId: command.patientId, placementId: command.placementId, agency: placement.agency, reason: command.reason, recalledAt: command.recalledAt },
    },
  ];
};
