import { isModifier } from './modifier';

describe('isModifier', () => {
  it.each(['25', '59', 'LT', 'RT', 'XE', 'GA', 'F1', '9A'])('accepts %s', (code) => {
    expect(isModifier(code)).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['2', 'one character'],
    ['255', 'three characters'],
    ['lt', 'lowercase'],
    ['Lt', 'mixed case'],
    ['-2', 'punctuation'],
    [' 5', 'space'],
  ])('rejects %j (%s)', (code) => {
    expect(isModifier(code)).toBe(false);
  });
});
