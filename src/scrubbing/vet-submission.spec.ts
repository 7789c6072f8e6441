import { claimAfter, corrected, denied, ecg, officeVisit, submitted, wellnessVisit } from '../claims/claim-fixtures';
import { evolveClaim, type ClaimResubmitted } from '../claims/claim';
import { RuleViolation } from '../common/errors';
import { schedule } from '../contracts/contract-fixtures';
import { BUILT_IN_RULES, parseScrubRules } from './scrub-rules';
import { ClaimFailedScrub, vetOriginal, vetReplacement, type SubmissionSetup } from './vet-submission';

// The claim fixtures: 99213-25 (E11.9, I10), 93000 (I10), G0439 (E11.9); date of service 2025-03-14.
const SCHEDULE = schedule({ scheduleId: 'acme-2025', effectiveFrom: '2025-01-01' });
const RULES = parseScrubRules({ diagnosisSupport: [{ procedureCodes: ['93000'], diagnosisPrefixes: ['I'] }], unitsMax: { '93000': 1 } }, 'spec.json');
const setup = (overrides: Partial<SubmissionSetup> = {}): SubmissionSetup => ({ rules: RULES, schedules: [SCHEDULE], ...overrides });

describe('vetOriginal', () => {
  it('adds the expected payment from the schedule in force and records warning edits on the event', () => {
    const vetted = vetOriginal(submitted(), setup());
    expect(vetted.data.expectedPayment).toEqual({
      scheduleId: 'acme-2025',
      effectiveFrom: '2025-01-01',
      effectiveTo: null,
      expectedAllowedCents: 10_900,
      lines: [
        { lineNumber: 1, expectedAllowedCents: 9_200, basis: '99213 9200 × 1 (per_service)' },
        { lineNumber: 2, expectedAllowedCents: 1_700, basis: '93000 1700 × 1 (per_service)' },
        { lineNumber: 3, expectedAllowedCents: null, basis: 'G0439 is not on fee schedule acme-2025' },
      ],
    });
    expect(vetted.data.scrubWarnings?.map((w) => [w.editId, w.severity, w.lineNumbers])).toEqual([['LINE_NOT_ON_FEE_SCHEDULE', 'warning', [3]]]);
    expect({ ...vetted.data, expectedPayment: undefined, scrubWarnings: undefined }).toEqual(submitted().data);
  });

  it('with no schedule in force and no warnings the event is exactly as before: old and new submissions look alike', () => {
    expect(vetOriginal(submitted(), setup({ rules: BUILT_IN_RULES, schedules: [] }))).toStrictEqual(submitted());
    expect(vetOriginal(submitted(), setup({ schedules: [schedule({ effectiveFrom: '2026-01-01' })] })).data).not.toHaveProperty('expectedPayment');
  });

  it('throws ClaimFailedScrub (a 422 rule violation) naming every failed error edit, and nothing else', () => {
    const lines = [officeVisit(), ecg({ diagnosisPointers: [1], units: 2 }), wellnessVisit()];
    let error: unknown;
    try {
      vetOriginal(submitted({ lines }), setup());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ClaimFailedScrub);
    expect(error).toBeInstanceOf(RuleViolation);
    const failed = error as ClaimFailedScrub;
    expect(failed.code).toBe('CLAIM_FAILED_SCRUB');
    expect(failed.findings.map((f) => [f.editId, f.severity])).toEqual([
      ['DIAGNOSIS_NOT_SUPPORTED', 'error'],
      ['UNITS_EXCEED_MAXIMUM', 'error'],
      ['LINE_NOT_ON_FEE_SCHEDULE', 'warning'],
    ]);
    expect(failed.message).toBe('the claim fails 2 pre-submission edits and was not sent: DIAGNOSIS_NOT_SUPPORTED (line 2), UNITS_EXCEED_MAXIMUM (line 2)');
  });

  it('measures the date edits from the business date of submittedAt, as given', () => {
    const rules = parseScrubRules({ timelyFilingDays: { default: 30 } }, 'tf.json');
    expect(() => vetOriginal(submitted({ submittedAt: '2025-04-13T23:30:00-05:00' }), setup({ rules }))).not.toThrow(); // day 30 where it was sent
    expect(() => vetOriginal(submitted({ submittedAt: '2025-04-14T00:30:00+02:00' }), setup({ rules }))).toThrow(ClaimFailedScrub);
  });
});

describe('vetReplacement', () => {
  const resubmitted = (): ClaimResubmitted => ({ type: 'ClaimResubmitted', data: { claimId: 'clm-3001', frequencyCode: '7', resubmittedAt: '2025-04-03T11:00:00Z' } });

  it('scrubs and prices the corrected claim as it now stands', () => {
    const claim = claimAfter(submitted(), denied(), corrected({ lines: [officeVisit(), ecg({ modifiers: ['80'] })] }));
    const vetted = vetReplacement(resubmitted(), claim, setup());
    expect(vetted.data.expectedPayment?.lines.map((l) => l.expectedAllowedCents)).toEqual([9_200, 272]);
    expect(vetted.data).not.toHaveProperty('scrubWarnings');
  });

  it('blocks a correction that still fails an error edit', () => {
    const claim = claimAfter(submitted(), denied(), corrected({ lines: [ecg({ lineNumber: 1, diagnosisPointers: [1] })] }));
    expect(() => vetReplacement(resubmitted(), claim, setup())).toThrow(/DIAGNOSIS_NOT_SUPPORTED \(line 1\)/);
  });

  it('the fold keeps the new expectation and drops warnings the replacement no longer has', () => {
    const first = vetOriginal(submitted(), setup());
    const claim = claimAfter(first, denied(), corrected({ lines: [officeVisit(), ecg()] }));
    expect(claim.scrubWarnings).toHaveLength(1);
    const replacement = vetReplacement(resubmitted(), claim, setup());
    const after = evolveClaim(claim, replacement);
    expect(after?.expectedPayment?.expectedAllowedCents).toBe(10_900);
    expect(after?.expectedPayment?.lines).toHaveLength(2);
    expect(after).not.toHaveProperty('scrubWarnings');
  });
});
