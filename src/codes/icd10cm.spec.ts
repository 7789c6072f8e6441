import { isIcd10Cm } from './icd10cm';

describe('isIcd10Cm', () => {
  it.each([
    ['A00', 'three characters, no dot'],
    ['I10', 'three characters, no dot'],
    ['K25.9', 'one character after the dot'],
    ['E11.65', 'two after the dot'],
    ['Z00.00', 'trailing zeros'],
    ['J45.909', 'three after the dot'],
    ['S52.521A', 'seventh character (encounter)'],
    ['T36.0X1A', 'placeholder X'],
    ['C4A.0', 'letter in third position'],
    ['M1A.0110', 'letter third, four after the dot'],
    ['U07.1', 'U (COVID-19)'],
    ['QA0.0101', 'letter in second position (new in FY2026)'],
    ['QA0.8', 'letter in second position, one after the dot'],
  ])('accepts %s (%s)', (code) => {
    expect(isIcd10Cm(code)).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['K259', 'longer than 3 without the dot'],
    ['k25.9', 'lowercase letter'],
    ['S52.521a', 'lowercase seventh character'],
    ['K2', 'too short'],
    ['K25.', 'dot with nothing after it'],
    ['K25.12345', 'five after the dot (8 characters)'],
    ['K2.59', 'dot after the second character'],
    ['K25..9', 'two dots'],
    ['125.9', 'digit first'],
    ['1A0.0', 'digit first, letter second'],
    ['K2$.9', 'symbol'],
    ['K25.9X!', 'symbol after the dot'],
    [' K25.9', 'leading space'],
    ['K25.9 ', 'trailing space'],
    ['K25-9', 'hyphen instead of dot'],
    ['K25.9\n', 'trailing newline'],
  ])('rejects %j (%s)', (code) => {
    expect(isIcd10Cm(code)).toBe(false);
  });
});
