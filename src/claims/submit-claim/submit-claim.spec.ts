import { given } from '../../common/decider-spec';
import { DuplicateId, InvalidInput, RuleViolation } from '../../common/errors';
import { evolveEncounter, initialEncounterState, type EncounterBilled } from '../../encounters/encounter';
import { CLAIM_ID, claimAfter, encounterCoded, ENCOUNTER_ID, MEMBER_ID, PAYER_ID, submitted, TOTAL_CHARGE_CENTS } from '../claim-fixtures';
import { submitClaim, type SubmitClaim } from './submit-claim';

const command = (overrides: Partial<SubmitClaim> = {}): SubmitClaim => ({
  claimId: CLAIM_ID,
  encounterId: ENCOUNTER_ID,
  payerId: PAYER_ID,
  memberId: MEMBER_ID,
  submittedAt: '2025-03-15T09:00:00Z',
  ...overrides,
});

const billed = (claimId: string): EncounterBilled => ({ type: 'EncounterBilled', data: { encounterId: ENCOUNTER_ID, claimId } });

const givenEncounter = (...events: Parameters<typeof evolveEncounter>[1][]) => given(evolveEncounter, initialEncounterState, events);

describe('submitClaim', () => {
  it('bills the coded encounter and submits a claim copying its coding, with the total charge (frequency 1)', () => {
    givenEncounter(encounterCoded())
      .when((encounter) => submitClaim(command(), encounter, null))
      .then({ encounterEvents: [billed(CLAIM_ID)], claimEvents: [submitted()] });
  });

  it('totals the line charges', () => {
    const encounter = givenEncounter(encounterCoded()).state;
    expect(submitClaim(command(), encounter, null).claimEvents[0]?.data.totalChargeCents).toBe(TOTAL_CHARGE_CENTS);
  });

  it('copies the lines: the claim does not share arrays with the encounter', () => {
    const encounter = givenEncounter(encounterCoded()).state;
    const claimLine = submitClaim(command(), encounter, null).claimEvents[0]?.data.lines[0];
    expect(claimLine).toEqual(encounter?.lines[0]);
    expect(claimLine).not.toBe(encounter?.lines[0]);
    expect(claimLine?.modifiers).not.toBe(encounter?.lines[0]?.modifiers);
    expect(claimLine?.diagnosisPointers).not.toBe(encounter?.lines[0]?.diagnosisPointers);
  });

  it('completes a reservation left by an interrupted attempt with the same claim id: the encounter is not billed twice', () => {
    givenEncounter(encounterCoded(), billed(CLAIM_ID))
      .when((encounter) => submitClaim(command(), encounter, null))
      .then({ encounterEvents: [], claimEvents: [submitted()] });
  });

  it('409 CLAIM_EXISTS when the claim id is taken', () => {
    givenEncounter(encounterCoded(), billed(CLAIM_ID))
      .when((encounter) => submitClaim(command(), encounter, claimAfter(submitted())))
      .thenThrows(DuplicateId, 'CLAIM_EXISTS');
  });

  it('422 ENCOUNTER_NOT_CODED for an encounter never coded', () => {
    givenEncounter().when((encounter) => submitClaim(command(), encounter, null)).thenThrows(RuleViolation, 'ENCOUNTER_NOT_CODED');
  });

  it('422 ENCOUNTER_ALREADY_BILLED: one claim per encounter', () => {
    const other = claimAfter(submitted({ claimId: 'clm-other' }));
    givenEncounter(encounterCoded(), billed('clm-other'))
      .when((encounter) => submitClaim(command(), encounter, null, other))
      .thenThrows(RuleViolation, 'ENCOUNTER_ALREADY_BILLED');
  });

  it('a reservation whose claim was never written (or belongs to another encounter) does not block the encounter', () => {
    const elsewhere = claimAfter(submitted({ claimId: 'clm-other', encounterId: 'enc-elsewhere' }));
    for (const holder of [null, elsewhere]) {
      const encounter = givenEncounter(encounterCoded(), billed('clm-other')).state;
      const { encounterEvents, claimEvents } = submitClaim(command(), encounter, null, holder);
      expect(encounterEvents).toEqual([{ type: 'EncounterBilled', data: { encounterId: ENCOUNTER_ID, claimId: CLAIM_ID } }]);
      expect(claimEvents.map((e) => e.type)).toEqual(['ClaimSubmitted']);
    }
  });

  it.each(['', '   '])('400 when the member id is blank (%j)', (memberId) => {
    const error = givenEncounter(encounterCoded()).when((e) => submitClaim(command({ memberId }), e, null)).thenThrows(InvalidInput);
    expect(error.errors.map((e) => e.field)).toEqual(['memberId']);
  });
});
