import { ADJUSTMENT_GROUPS, isAdjustmentGroup } from './adjustment-group';

describe('isAdjustmentGroup', () => {
  it('lists exactly CO, PR, OA, PI, CR', () => {
    expect([...ADJUSTMENT_GROUPS]).toEqual(['CO', 'PR', 'OA', 'PI', 'CR']);
  });

  it.each(['CO', 'PR', 'OA', 'PI', 'CR'])('accepts %s', (code) => {
    expect(isAdjustmentGroup(code)).toBe(true);
  });

  it.each(['', 'co', 'C', 'COO', 'XX', 'PR '])('rejects %j', (code) => {
    expect(isAdjustmentGroup(code)).toBe(false);
  });
});
