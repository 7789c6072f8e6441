import fc from 'fast-check';
import { isNpi, npiCheckDigit } from './npi';

describe('npiCheckDigit', () => {
  it.each([
    ['123456789', 3],
    ['124531959', 9],
  ])('of %s is %i', (first9, digit) => {
    expect(npiCheckDigit(first9)).toBe(digit);
  });

  it.each(['', '12345678', '1234567890', '12345678a', ' 23456789'])('asserts on %j', (first9) => {
    expect(() => npiCheckDigit(first9)).toThrow(/exactly 9 digits/);
  });
});

describe('isNpi', () => {
  it.each(['1234567893', '1245319599', '2000000002'])('accepts %s', (npi) => {
    expect(isNpi(npi)).toBe(true);
  });

  it.each([
    ['1234567890', 'wrong check digit'],
    ['1245319598', 'wrong check digit'],
    ['123456789', '9 digits'],
    ['12345678931', '11 digits'],
    ['3234567893', 'starts with 3'],
    ['0234567893', 'starts with 0'],
    ['', 'empty'],
    ['123456789X', 'letter as check digit'],
    ['1234 67893', 'space'],
    ['1234567893\n', 'trailing newline'],
  ])('rejects %j (%s)', (npi) => {
    expect(isNpi(npi)).toBe(false);
  });

  const first9 = fc
    .tuple(fc.constantFrom('1', '2'), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 8, maxLength: 8 }))
    .map(([lead, rest]) => lead + rest.join(''));

  it('accepts any 9 leading digits followed by their check digit', () => {
    fc.assert(fc.property(first9, (digits) => isNpi(digits + String(npiCheckDigit(digits)))));
  });

  it('rejects any other last digit', () => {
    fc.assert(
      fc.property(first9, fc.integer({ min: 1, max: 9 }), (digits, shift) => {
        const wrong = (npiCheckDigit(digits) + shift) % 10;
        return !isNpi(digits + String(wrong));
      }),
    );
  });
});
