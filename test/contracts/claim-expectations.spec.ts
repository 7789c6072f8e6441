/**
 * The claim fold with this optional fields: an event without them folds exactly as
 * before; with them the claim keeps the latest submission's expected payment and warnings, and
 * the claim view shows them per line and in total.
 */
import { claimAfter, corrected, denied, ecg, officeVisit, remitted, resubmitted, submitted } from '../../src/claims/claim-fixtures';
import { evolveClaim, initialClaimState } from '../../src/claims/claim';
import { toClaimView } from '../../src/claims/claim-view';
import type { ExpectedPayment } from '../../src/contracts/pricing';
import type { ScrubFinding } from '../../src/scrubbing/edits';

const expected = (visitCents: number, scheduleId = 'acme-2025'): ExpectedPayment => ({
  scheduleId,
  effectiveFrom: '2025-01-01',
  effectiveTo: null,
  expectedAllowedCents: visitCents + 1_700,
  lines: [
    { lineNumber: 1, expectedAllowedCents: visitCents, basis: '' },
    { lineNumber: 2, expectedAllowedCents: 1_700, basis: '' },
    { lineNumber: 3, expectedAllowedCents: null, basis: '' },
  ],
});
const warning: ScrubFinding = { editId: 'LINE_NOT_ON_FEE_SCHEDULE', severity: 'warning', message: 'Line 3: …', lineNumbers: [3] };

describe('the claim fold with expected payment and warnings', () => {
  it('an event without the new fields folds to a claim without them (old events fold exactly as before)', () => {
    const claim = claimAfter(submitted(), denied(), corrected(), resubmitted(), remitted());
    expect(claim).not.toHaveProperty('expectedPayment');
    expect(claim).not.toHaveProperty('scrubWarnings');
    expect(Object.keys(claim).sort()).toEqual(
      ['claimId', 'encounterId', 'patientId', 'payerId', 'memberId', 'providerNpi', 'dateOfService', 'diagnoses', 'lines', 'status', 'frequencyCode', 'submissionCount', 'firstSubmittedAt', 'remittances', 'money', 'statusBeforeClose'].sort(),
    );
  });

  it('ClaimSubmitted sets them; every later event keeps them; ClaimResubmitted replaces the expectation and the warnings', () => {
    const first = claimAfter(submitted({ expectedPayment: expected(9_200), scrubWarnings: [warning] }), denied(), corrected({ lines: [officeVisit({ modifiers: ['25', '22'] }), ecg()] }));
    expect(first.expectedPayment?.expectedAllowedCents).toBe(10_900);
    expect(first.scrubWarnings).toEqual([warning]);
    const again = evolveClaim(first, resubmitted({ expectedPayment: expected(11_500, 'acme-2025.2') }));
    expect(again?.expectedPayment?.scheduleId).toBe('acme-2025.2');
    expect(again).not.toHaveProperty('scrubWarnings');
    // A replacement that was not priced (no schedule in force) keeps what the claim expected.
    expect(evolveClaim(first, resubmitted())?.expectedPayment?.scheduleId).toBe('acme-2025');
  });

  it('the view shows the expected allowed amount per line (null when not priced) and in total', () => {
    const view = toClaimView(claimAfter(submitted({ expectedPayment: expected(9_200), scrubWarnings: [warning] })), 0);
    expect(view.lines.map((l) => [l.lineNumber, l.expectedAllowedCents])).toEqual([
      [1, 9_200],
      [2, 1_700],
      [3, null],
    ]);
    expect(view).toMatchObject({ expectedAllowedCents: 10_900, feeScheduleId: 'acme-2025', scrubWarnings: [warning] });
    const unpriced = toClaimView(evolveClaim(initialClaimState, submitted()) as NonNullable<ReturnType<typeof evolveClaim>>, 0);
    expect(unpriced).toMatchObject({ expectedAllowedCents: null, feeScheduleId: null, scrubWarnings: [] });
    expect(unpriced.lines.every((l) => l.expectedAllowedCents === null)).toBe(true);
  });
});
