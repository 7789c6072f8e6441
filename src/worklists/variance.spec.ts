import { co, pr, remittanceLine } from '../claims/claim-fixtures';
import type { ExpectedPayment } from '../contracts/pricing';
import { isUnderpaid, lineVariances } from './variance';

const expected: ExpectedPayment = {
  scheduleId: 'acme-2026',
  effectiveFrom: '2026-01-01',
  effectiveTo: null,
  expectedAllowedCents: 10_900,
  lines: [
    { lineNumber: 1, expectedAllowedCents: 9_200, basis: '' },
    { lineNumber: 2, expectedAllowedCents: 1_700, basis: '' },
    { lineNumber: 3, expectedAllowedCents: null, basis: '' },
  ],
};

describe('lineVariances: allowed by the payer (paid + PR) against the contract', () => {
  it('at contract: 7200 paid + PR-3 2000 copay = 9200 allowed, variance 0', () => {
    expect(lineVariances(expected, [remittanceLine(1, 7_200, co('45', 5_800), pr('3', 2_000))])).toEqual([
      { lineNumber: 1, expectedAllowedCents: 9_200, paidCents: 7_200, patientResponsibilityCents: 2_000, payerAllowedCents: 9_200, varianceCents: 0 },
    ]);
  });

  it('below contract: CO adjustments do not count as allowed; PR-1 and PR-2 do', () => {
    const [variance] = lineVariances(expected, [remittanceLine(1, 6_000, co('45', 8_000), pr('1', 500), pr('2', 500))]);
    expect(variance).toMatchObject({ payerAllowedCents: 7_000, varianceCents: -2_200 });
  });

  it('above contract: a positive variance', () => {
    expect(lineVariances(expected, [remittanceLine(2, 2_000, co('45', 5_500))])[0]?.varianceCents).toBe(300);
  });

  it('a line the schedule does not price has no variance', () => {
    expect(lineVariances(expected, [remittanceLine(3, 100, co('45', 17_400))])).toEqual([]);
  });
});

describe('isUnderpaid: below contract by more than the tolerance', () => {
  it.each([
    [-101, 100, true],
    [-100, 100, false],
    [0, 0, false],
    [-1, 0, true],
    [250, 0, false],
  ])('variance %i with tolerance %i → %s', (varianceCents, toleranceCents, expectedResult) => {
    expect(isUnderpaid({ varianceCents }, toleranceCents)).toBe(expectedResult);
  });
});
