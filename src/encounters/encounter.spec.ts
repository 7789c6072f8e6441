import { encounterCoded, ENCOUNTER_ID } from '../claims/claim-fixtures';
import { fold } from '../common/decider-spec';
import { encounterStreamId, evolveEncounter, initialEncounterState, type EncounterEvent } from './encounter';

describe('evolveEncounter', () => {
  it('a coded encounter carries its coding and no claim yet', () => {
    const coded = encounterCoded();
    expect(fold(evolveEncounter, initialEncounterState, [coded])).toEqual({ ...coded.data, claimId: null });
  });

  it('a billed encounter names its claim', () => {
    const events: EncounterEvent[] = [encounterCoded(), { type: 'EncounterBilled', data: { encounterId: ENCOUNTER_ID, claimId: 'clm-1' } }];
    expect(fold(evolveEncounter, initialEncounterState, events)?.claimId).toBe('clm-1');
  });

  it('billing an encounter that was never coded leaves no encounter', () => {
    expect(evolveEncounter(null, { type: 'EncounterBilled', data: { encounterId: ENCOUNTER_ID, claimId: 'clm-1' } })).toBeNull();
  });

  it('the state does not share arrays with the event', () => {
    const coded = encounterCoded();
    const state = evolveEncounter(null, coded);
    expect(state?.diagnoses).not.toBe(coded.data.diagnoses);
    expect(state?.lines).not.toBe(coded.data.lines);
  });

  it('streams are named encounter-<id>', () => {
    expect(encounterStreamId('enc-9')).toBe('encounter-enc-9');
  });
});
