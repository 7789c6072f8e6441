import { DuplicateId } from '../../common/errors';
import type { EncounterCoded, EncounterState, ServiceLine } from '../encounter';
import { assertCodingInput, assertPointersResolve } from '../coding-rules';

export interface CodeEncounter {
  encounterId: string;
  patientId: string;
  providerNpi: string;
  dateOfService: string;
  diagnoses: string[];
  lines: ServiceLine[];
}

export const codeEncounter = (command: CodeEncounter, encounter: EncounterState): EncounterCoded[] => {
  if (encounter !== null) throw new DuplicateId('ENCOUNTER_EXISTS', `encounter ${command.encounterId} is already coded`);
  assertCodingInput(command);
  assertPointersResolve(command.diagnoses, command.lines);
  return [{ type: 'EncounterCoded', data: { ...command } }];
};
