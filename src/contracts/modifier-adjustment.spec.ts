import { formatBasisPoints, formatModifierRule, parseModifierAdjustment } from './modifier-adjustment';

describe('parseModifierAdjustment: one syntax for the CSV and the API', () => {
  it.each([
    ['150%', { kind: 'percent', basisPoints: 15_000 }],
    ['16%', { kind: 'percent', basisPoints: 1_600 }],
    ['+25%', { kind: 'percent', basisPoints: 12_500 }],
    ['-50%', { kind: 'percent', basisPoints: 5_000 }],
    ['62.5%', { kind: 'percent', basisPoints: 6_250 }],
    ['6.25%', { kind: 'percent', basisPoints: 625 }],
    ['0%', { kind: 'percent', basisPoints: 0 }],
    ['+1500', { kind: 'fixed', amountCents: 1_500 }],
    ['-1500', { kind: 'fixed', amountCents: -1_500 }],
    [' 150% ', { kind: 'percent', basisPoints: 15_000 }],
  ])('%s', (text, expected) => {
    expect(parseModifierAdjustment('50', text)).toEqual({ modifier: '50', ...expected });
  });

  it.each(['1500', '150', '1.5', '150.125%', '-150%', '1001%', '+99999999999', 'abc', '', '+-5%'])('refuses %j with a message', (text) => {
    expect(typeof parseModifierAdjustment('50', text)).toBe('string');
  });

  it('formats back without floats', () => {
    expect(formatBasisPoints(12_500)).toBe('125%');
    expect(formatBasisPoints(6_250)).toBe('62.5%');
    expect(formatBasisPoints(625)).toBe('6.25%');
    expect(formatModifierRule({ modifier: '52', kind: 'fixed', amountCents: -1_000 })).toBe('-1000');
    expect(formatModifierRule({ modifier: '22', kind: 'fixed', amountCents: 1_000 })).toBe('+1000');
    for (const text of ['150%', '16%', '62.5%', '6.25%', '+1500', '-1500']) {
      const rule = parseModifierAdjustment('50', text);
      expect(typeof rule === 'string' ? rule : formatModifierRule(rule)).toBe(text);
    }
  });
});
