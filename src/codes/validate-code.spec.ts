import type { CodeKind } from './code-kind';
import { CODE_DESCRIPTIONS, validateCode } from './validate-code';

const valid: Array<[CodeKind, string]> = [
  ['icd10cm', 'K25.9'],
  ['cpt', '99213'],
  ['hcpcs', 'J3490'],
  ['procedure', '0042T'],
  ['procedure', 'G0439'],
  ['modifier', '25'],
  ['carc', '45'],
  ['rarc', 'N130'],
  ['npi', '1234567893'],
  ['adjustmentGroup', 'CO'],
];

const invalid: Array<[CodeKind, string]> = [
  ['icd10cm', 'K259'],
  ['cpt', '9921'],
  ['hcpcs', 'W1234'],
  ['procedure', 'K25.9'],
  ['modifier', 'lt'],
  ['carc', '2530'],
  ['rarc', '130N'],
  ['npi', '3234567893'],
  ['adjustmentGroup', 'XX'],
];

describe('validateCode', () => {
  it.each(valid)('returns null for a valid %s %s', (kind, code) => {
    expect(validateCode(kind, code)).toBeNull();
  });

  it.each(invalid)('names the invalid %s %s and its expected form', (kind, code) => {
    const message = validateCode(kind, code);
    expect(message).toContain(`"${code}"`);
    expect(message).toContain(CODE_DESCRIPTIONS[kind]);
  });

  it('says the check digit is wrong for a well-formed NPI that fails it', () => {
    expect(validateCode('npi', '1234567890')).toBe(
      `"1234567890" is not a valid NPI: its check digit does not match; expected ${CODE_DESCRIPTIONS.npi}`,
    );
  });

  it('gives the full message for an ICD-10-CM code without its dot', () => {
    expect(validateCode('icd10cm', 'K259')).toBe(`"K259" is not a valid code; expected ${CODE_DESCRIPTIONS.icd10cm}`);
  });

  it('makes empty and padded input visible in the message', () => {
    expect(validateCode('cpt', '')).toContain('""');
    expect(validateCode('cpt', ' 99213')).toContain('" 99213"');
  });

  it('does not echo a very long input in full', () => {
    const message = validateCode('modifier', 'X'.repeat(10_000));
    expect(message).toContain(`"${'X'.repeat(40)}..."`);
    expect(message!.length).toBeLessThan(200);
  });

  it('has a non-empty one-line description for every kind', () => {
    for (const description of Object.values(CODE_DESCRIPTIONS)) {
      expect(description).not.toContain('\n');
      expect(description.length).toBeGreaterThan(0);
    }
  });
});
