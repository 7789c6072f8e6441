import assert from 'node:assert';

const NPI = /^[12][0-9]{9}$/;
const FIRST_9 = /^[0-9]{9}$/;
// The NPI check digit is the Luhn digit of the 15-digit card-issuer form 80840 + NPI (ISO 7812).
const CARD_ISSUER_PREFIX = '80840';

/**
 * Luhn check digit of an NPI (National Provider Identifier) from its first 9 digits.
 * Asserts that `first9` is exactly 9 digits.
 */
export function npiCheckDigit(first9: string): number {
  assert(FIRST_9.test(first9), `npiCheckDigit needs exactly 9 digits, got ${JSON.stringify(first9)}`);
  const digits = CARD_ISSUER_PREFIX + first9;
  let sum = 0;
  // Walking right to left, the digit next to the (absent) check digit is doubled first.
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** NPI (National Provider Identifier): 10 digits starting with 1 or 2, the last a Luhn check digit. */
export const isNpi = (npi: string): boolean =>
  NPI.test(npi) && npiCheckDigit(npi.slice(0, 9)) === Number(npi[9]);
