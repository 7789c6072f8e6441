import { line, schedule } from './contract-fixtures';
import { applyBasisPoints, expectedAllowedOf, priceClaim, priceLine } from './pricing';

const priced = (overrides: Parameters<typeof line>[0]) => priceLine(line(overrides), schedule()).expectedAllowedCents;

describe('priceLine: the expected allowed amount of one line', () => {
  it('a plain row, per service: the row amount whatever the units', () => {
    expect(priced({ procedureCode: '99213' })).toBe(9_200);
    expect(priced({ procedureCode: '99213', units: 2 })).toBe(9_200);
  });

  it('a per-unit row multiplies by the units (4 × 2900)', () => {
    expect(priced({ procedureCode: '97110', units: 4 })).toBe(11_600);
  });

  it('22 → +25% (unusual procedural services): 145000 × 125%', () => {
    expect(priced({ procedureCode: '27447', modifiers: ['22'] })).toBe(181_250);
  });

  it('50 → 150% (bilateral): 145000 × 150%', () => {
    expect(priced({ procedureCode: '27447', modifiers: ['50'] })).toBe(217_500);
  });

  it('80 → 16% (assistant surgeon): 145000 × 16%', () => {
    expect(priced({ procedureCode: '27447', modifiers: ['80'] })).toBe(23_200);
  });

  it('several modifiers apply in the line’s order, each on the amount so far: 50 then 22 = 145000 × 150% × 125%', () => {
    expect(priced({ procedureCode: '27447', modifiers: ['50', '22'] })).toBe(271_875);
    expect(priced({ procedureCode: '27447', modifiers: ['22', '50'] })).toBe(271_875);
  });

  it('rounds half up to the cent at each step: 2900 × 62.5% = 1812.5 → 1813; 1700 × 16% = 272; 1813 × 16% = 290.08 → 290', () => {
    expect(priced({ procedureCode: '97110', modifiers: ['62'] })).toBe(1_813);
    expect(priced({ procedureCode: '93000', modifiers: ['80'] })).toBe(272);
    expect(priced({ procedureCode: '97110', modifiers: ['62', '80'] })).toBe(290);
    expect(applyBasisPoints(5, 1_000)).toBe(1); // 0.5 → 1
    expect(applyBasisPoints(4, 1_000)).toBe(0); // 0.4 → 0
  });

  it('a fixed change adds cents (52: −1000) and never goes below zero', () => {
    expect(priced({ procedureCode: '99213', modifiers: ['52'] })).toBe(8_200);
    expect(priced({ procedureCode: '93000', modifiers: ['52', '80'] })).toBe(112); // 1700 − 1000 = 700, × 16% = 112
    expect(priceLine(line({ procedureCode: '93000', modifiers: ['52'] }), schedule({ modifierRules: [{ modifier: '52', kind: 'fixed', amountCents: -5_000 }] })).expectedAllowedCents).toBe(0);
  });

  it('a row for the code with the line’s modifier prices it instead of the plain row, and that modifier is not applied again', () => {
    expect(priced({ procedureCode: '73630', modifiers: ['26'] })).toBe(1_100);
    const withRule = schedule({ modifierRules: [{ modifier: '26', kind: 'percent', basisPoints: 4_000 }] });
    expect(priceLine(line({ procedureCode: '73630', modifiers: ['26'] }), withRule).expectedAllowedCents).toBe(1_100);
    expect(priceLine(line({ procedureCode: '73630', modifiers: ['26', '22'] }), schedule()).expectedAllowedCents).toBe(1_375);
  });

  it('a modifier with no rule changes nothing (25, LT)', () => {
    expect(priced({ procedureCode: '99213', modifiers: ['25'] })).toBe(9_200);
    expect(priced({ procedureCode: '27447', modifiers: ['LT'] })).toBe(145_000);
  });

  it('a code not on the schedule is not priced (null), and says so', () => {
    const result = priceLine(line({ procedureCode: 'G0439' }), schedule());
    expect(result).toEqual({ lineNumber: 1, expectedAllowedCents: null, basis: 'G0439 is not on fee schedule 2026-01-01' });
  });

  it('records how the amount was reached', () => {
    expect(priceLine(line({ procedureCode: '27447', modifiers: ['50', '22'] }), schedule()).basis).toBe(
      '27447 145000 × 1 (per_service); 50 150% → 217500; 22 125% → 271875',
    );
  });
});

describe('priceClaim: the expected payment of a claim going out', () => {
  const lines = [
    line({ lineNumber: 1, procedureCode: '99213', modifiers: ['25'] }),
    line({ lineNumber: 2, procedureCode: '93000' }),
    line({ lineNumber: 3, procedureCode: 'G0439' }),
  ];

  it('prices each line from the schedule in force on the date of service; the total counts the priced lines', () => {
    const cheaper = schedule({ scheduleId: 'h2', effectiveFrom: '2026-07-01', rows: [{ procedureCode: '99213', allowedCents: 8_000, unitsPolicy: 'per_service' }] });
    const spring = priceClaim(lines, [schedule(), cheaper], '2026-03-02');
    expect(spring).toMatchObject({ scheduleId: '2026-01-01', effectiveFrom: '2026-01-01', effectiveTo: null, expectedAllowedCents: 10_900 });
    expect(spring?.lines.map((l) => l.expectedAllowedCents)).toEqual([9_200, 1_700, null]);
    const autumn = priceClaim(lines, [schedule(), cheaper], '2026-09-01');
    expect(autumn?.scheduleId).toBe('h2');
    expect(autumn?.lines.map((l) => l.expectedAllowedCents)).toEqual([8_000, null, null]);
    expect(expectedAllowedOf(autumn ?? undefined, 1)).toBe(8_000);
    expect(expectedAllowedOf(autumn ?? undefined, 9)).toBeNull();
  });

  it('no schedule in force: no expected payment', () => {
    expect(priceClaim(lines, [schedule()], '2025-12-31')).toBeNull();
    expect(priceClaim(lines, [], '2026-03-02')).toBeNull();
  });
});
