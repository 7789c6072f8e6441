import { DIAGNOSES, ecg, encounterCoded, ENCOUNTER_ID, LINES, NPI, officeVisit, PATIENT_ID, wellnessVisit } from '../../claims/claim-fixtures';
import { given } from '../../common/decider-spec';
import { DuplicateId, InvalidInput, RuleViolation } from '../../common/errors';
import { evolveEncounter, initialEncounterState, type ServiceLine } from '../encounter';
import { codeEncounter, type CodeEncounter } from './code-encounter';

const command = (overrides: Partial<CodeEncounter> = {}): CodeEncounter => ({
  encounterId: ENCOUNTER_ID,
  patientId: PATIENT_ID,
  providerNpi: NPI,
  dateOfService: '2025-03-14',
  diagnoses: [...DIAGNOSES],
  lines: LINES.map((line) => ({ ...line })),
  ...overrides,
});

const withLine = (overrides: Partial<ServiceLine>): Partial<CodeEncounter> => ({ lines: [officeVisit(overrides)] });

const onNewEncounter = (cmd: CodeEncounter) => given(evolveEncounter, initialEncounterState, []).when((e) => codeEncounter(cmd, e));

/** The decider refuses the command as bad input naming `field`. */
const expectInvalid = (cmd: CodeEncounter, field: string): void => {
  const error = onNewEncounter(cmd).thenThrows(InvalidInput);
  expect(error.errors.map((e) => e.field)).toContain(field);
};

describe('codeEncounter', () => {
  it('codes a new encounter: diagnoses and service lines as given', () => {
    onNewEncounter(command()).then([encounterCoded()]);
  });

  it('accepts the boundaries: 12 diagnoses, 4 modifiers, 4 pointers, a zero charge, CPT category II and III codes', () => {
    const twelve = ['E11.9', 'I10', 'J45.909', 'E78.5', 'Z00.00', 'K21.9', 'M54.50', 'F41.1', 'N39.0', 'R05.9', 'G47.00', 'S52.521A'];
    const lines = [
      officeVisit({ modifiers: ['25', '59', 'XE', 'GA'], diagnosisPointers: [1, 2, 3, 12] }),
      ecg({ procedureCode: '3046F', chargeCents: 0, diagnosisPointers: [1] }),
      wellnessVisit({ procedureCode: '0042T', units: 3 }),
    ];
    onNewEncounter(command({ diagnoses: twelve, lines })).then([encounterCoded({ diagnoses: twelve, lines })]);
  });

  it('409 when the encounter is already coded (ENCOUNTER_EXISTS), even with different codes', () => {
    given(evolveEncounter, initialEncounterState, [encounterCoded()])
      .when((e) => codeEncounter(command({ diagnoses: ['I10'], lines: [ecg({ lineNumber: 1, diagnosisPointers: [1] })] }), e))
      .thenThrows(DuplicateId, 'ENCOUNTER_EXISTS');
  });

  it('422 DIAGNOSIS_POINTER_OUT_OF_RANGE when a line points past the diagnoses', () => {
    onNewEncounter(command({ lines: [officeVisit({ diagnosisPointers: [1, 4] })] })).thenThrows(RuleViolation, 'DIAGNOSIS_POINTER_OUT_OF_RANGE');
  });

  describe('400 on a malformed provider or date', () => {
    it.each([
      ['1234567890', 'the check digit does not match'],
      ['3234567893', 'does not start with 1 or 2'],
      ['123456789', 'nine digits'],
    ])('NPI %s (%s)', (providerNpi) => expectInvalid(command({ providerNpi }), 'providerNpi'));

    it.each([
      ['2025-02-30', 'a date that does not exist'],
      ['2025-13-01', 'month 13'],
      ['03/14/2025', 'US format'],
      ['2025-3-14', 'no zero padding'],
      ['2025-03-14T10:00:00Z', 'an instant, not a date'],
    ])('dateOfService %s (%s)', (dateOfService) => expectInvalid(command({ dateOfService }), 'dateOfService'));
  });

  describe('400 on invalid codes', () => {
    it.each([
      ['E119', 'no dot'],
      ['e11.9', 'lowercase'],
      ['11.9', 'digit first'],
      ['E11.91234', 'too long'],
    ])('ICD-10-CM %s (%s)', (code) => expectInvalid(command({ diagnoses: ['I10', code] }), 'diagnoses[1]'));

    it.each([
      ['9921', 'four digits'],
      ['99213A', 'six characters'],
      ['9921X', 'category letter other than F, T or U'],
      ['W1234', 'HCPCS letter outside A–V'],
      ['g0439', 'lowercase HCPCS'],
    ])('procedure code %s (%s)', (procedureCode) => expectInvalid(command(withLine({ procedureCode })), 'lines[0].procedureCode'));

    it.each([['2'], ['251'], ['lt'], ['-5']])('modifier %s', (modifier) =>
      expectInvalid(command(withLine({ modifiers: ['25', modifier] })), 'lines[0].modifiers[1]'),
    );
  });

  describe('400 on a malformed coding', () => {
    it.each<[string, Partial<CodeEncounter>, string]>([
      ['no diagnosis', { diagnoses: [], lines: [officeVisit({ diagnosisPointers: [1] })] }, 'diagnoses'],
      ['13 diagnoses', { diagnoses: ['A00', 'A01', 'A02', 'A03', 'A04', 'A05', 'A06', 'A07', 'A08', 'A09', 'B00', 'B01', 'B02'] }, 'diagnoses'],
      ['a diagnosis twice', { diagnoses: ['E11.9', 'I10', 'E11.9'] }, 'diagnoses'],
      ['no line', { lines: [] }, 'lines'],
      ['a line number twice', { lines: [officeVisit(), ecg({ lineNumber: 1 })] }, 'lines'],
      ['line number 0', withLine({ lineNumber: 0 }), 'lines[0].lineNumber'],
      ['a fractional line number', withLine({ lineNumber: 1.5 }), 'lines[0].lineNumber'],
      ['5 modifiers', withLine({ modifiers: ['25', '59', 'XE', 'GA', 'GY'] }), 'lines[0].modifiers'],
      ['0 units', withLine({ units: 0 }), 'lines[0].units'],
      ['fractional units', withLine({ units: 1.5 }), 'lines[0].units'],
      ['a negative charge', withLine({ chargeCents: -1 }), 'lines[0].chargeCents'],
      ['a charge in fractional cents', withLine({ chargeCents: 150.5 }), 'lines[0].chargeCents'],
      ['an unsafe charge', withLine({ chargeCents: Number.MAX_SAFE_INTEGER + 1 }), 'lines[0].chargeCents'],
      ['no pointer', withLine({ diagnosisPointers: [] }), 'lines[0].diagnosisPointers'],
      ['5 pointers', withLine({ diagnosisPointers: [1, 2, 3, 1, 2] }), 'lines[0].diagnosisPointers'],
      ['pointer 0 (pointers are 1-based)', withLine({ diagnosisPointers: [0] }), 'lines[0].diagnosisPointers'],
    ])('%s', (_what, overrides, field) => expectInvalid(command(overrides), field));
  });

  it('reports bad input (400) before a pointer rule (422): nothing about the coding is judged until it is well formed', () => {
    expectInvalid(command({ diagnoses: ['bad'], lines: [officeVisit({ diagnosisPointers: [9] })] }), 'diagnoses[0]');
  });
});
