import { InvalidInput, NotFound, RuleViolation } from '../../common/errors';
import {
  CLAIM_ID,
  CLAIM_IN,
  corrected,
  denied,
  ecg,
  givenClaim,
  officeVisit,
  rejected,
  statusesOtherThan,
  submitted,
  wellnessVisit,
  writtenOff,
} from '../claim-fixtures';
import { correctClaim, type CorrectClaim } from './correct-claim';

const command = (overrides: Partial<CorrectClaim> = {}): CorrectClaim => ({
  claimId: CLAIM_ID,
  reason: 'added missing referring provider',
  correctedAt: '2025-04-03T10:00:00Z',
  ...overrides,
});

const onDenied = (cmd: CorrectClaim) => givenClaim([submitted(), denied()]).when((claim) => correctClaim(cmd, claim));

const expectInvalid = (cmd: CorrectClaim, field: string): void => {
  const error = onDenied(cmd).thenThrows(InvalidInput);
  expect(error.errors.map((e) => e.field)).toContain(field);
};

describe('correctClaim', () => {
  it('corrects a denied claim with new diagnoses (lines kept)', () => {
    onDenied(command({ diagnoses: ['E11.65', 'I10', 'J45.909'] })).then([corrected({ diagnoses: ['E11.65', 'I10', 'J45.909'] })]);
  });

  it('corrects a rejected claim by replacing its lines', () => {
    const lines = [officeVisit({ modifiers: [] }), ecg({ chargeCents: 8_000 })];
    givenClaim([submitted(), rejected()])
      .when((claim) => correctClaim(command({ lines }), claim))
      .then([corrected({ lines })]);
  });

  it('may repeat the same codes: the fix may lie with the payer', () => {
    onDenied(command()).then([corrected()]);
  });

  it('404 for an unknown claim', () => {
    givenClaim([]).when((claim) => correctClaim(command(), claim)).thenThrows(NotFound);
  });

  it.each(statusesOtherThan('rejected', 'denied'))('422 INVALID_CLAIM_STATUS for a %s claim', (status) => {
    givenClaim(CLAIM_IN[status]).when((claim) => correctClaim(command(), claim)).thenThrows(RuleViolation, 'INVALID_CLAIM_STATUS');
  });

  it('422 CLAIM_VOIDED for a voided claim', () => {
    givenClaim([submitted(), denied(), { type: 'ClaimVoided', data: { claimId: CLAIM_ID, reason: 'duplicate claim', voidedAt: '2025-04-05T00:00:00Z' } }])
      .when((claim) => correctClaim(command(), claim))
      .thenThrows(RuleViolation, 'CLAIM_VOIDED');
  });

  it.each(['', '  '])('400 when the reason is blank (%j)', (reason) => expectInvalid(command({ reason }), 'reason'));

  describe('400 on invalid codes', () => {
    it('an ICD-10-CM code', () => expectInvalid(command({ diagnoses: ['E11.9', 'E11-9'] }), 'diagnoses[1]'));
    it('no diagnosis', () => expectInvalid(command({ diagnoses: [] }), 'diagnoses'));
    it('a CPT code', () => expectInvalid(command({ lines: [officeVisit({ procedureCode: '9921' })] }), 'lines[0].procedureCode'));
    it('a HCPCS code', () => expectInvalid(command({ lines: [wellnessVisit({ lineNumber: 1, procedureCode: 'G043' })] }), 'lines[0].procedureCode'));
    it('a modifier', () => expectInvalid(command({ lines: [officeVisit({ modifiers: ['2'] })] }), 'lines[0].modifiers[0]'));
    it('no line', () => expectInvalid(command({ lines: [] }), 'lines'));
    it('0 units', () => expectInvalid(command({ lines: [officeVisit({ units: 0 })] }), 'lines[0].units'));
  });

  it('422 DIAGNOSIS_POINTER_OUT_OF_RANGE when fewer diagnoses leave a kept line pointing past them', () => {
    // The kept office visit points at diagnoses 1 and 2.
    onDenied(command({ diagnoses: ['E11.9'] })).thenThrows(RuleViolation, 'DIAGNOSIS_POINTER_OUT_OF_RANGE');
  });

  it('422 DIAGNOSIS_POINTER_OUT_OF_RANGE when a new line points past the diagnoses', () => {
    onDenied(command({ lines: [officeVisit({ diagnosisPointers: [4] })] })).thenThrows(RuleViolation, 'DIAGNOSIS_POINTER_OUT_OF_RANGE');
  });

  describe('charges never fall below what is already resolved', () => {
    // $100 of the $400 written off (timely filing) while denied: new lines must still carry at least $100.
    const deniedWithWriteOff = [submitted(), denied(), writtenOff({ from: 'payer', amountCents: 10_000, reason: 'timely_filing' })];

    it('422 CHARGES_BELOW_RESOLVED for lines totalling less', () => {
      givenClaim(deniedWithWriteOff)
        .when((claim) => correctClaim(command({ lines: [officeVisit({ chargeCents: 9_999 })] }), claim))
        .thenThrows(RuleViolation, 'CHARGES_BELOW_RESOLVED');
    });

    it('accepts lines totalling exactly the resolved amount', () => {
      const lines = [officeVisit({ chargeCents: 10_000 })];
      givenClaim(deniedWithWriteOff).when((claim) => correctClaim(command({ lines }), claim)).then([corrected({ lines })]);
    });

    it('does not apply when the lines are kept', () => {
      givenClaim(deniedWithWriteOff).when((claim) => correctClaim(command(), claim)).then([corrected()]);
    });
  });
});
