import { isCpt, isHcpcsLevel2, isProcedureCode } from './procedure-codes';

describe('isCpt', () => {
  it.each(['99213', '00100', '0001F', '0042T', '0001U'])('accepts %s', (code) => {
    expect(isCpt(code)).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['9921', 'four digits'],
    ['992131', 'six digits'],
    ['0001f', 'lowercase suffix'],
    ['0001A', 'suffix other than F, T, U'],
    ['001FT', 'letter not last'],
    ['F0001', 'letter first'],
    ['J3490', 'HCPCS Level II'],
    [' 99213', 'leading space'],
    ['99213\n', 'trailing newline'],
  ])('rejects %j (%s)', (code) => {
    expect(isCpt(code)).toBe(false);
  });
});

describe('isHcpcsLevel2', () => {
  it.each(['J3490', 'G0439', 'A0425', 'E0114', 'V2020', 'Q4101'])('accepts %s', (code) => {
    expect(isHcpcsLevel2(code)).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['W1234', 'letter after V'],
    ['Z1234', 'letter after V'],
    ['j3490', 'lowercase'],
    ['J349', 'three digits'],
    ['J34900', 'five digits'],
    ['JJ490', 'two letters'],
    ['99213', 'CPT'],
  ])('rejects %j (%s)', (code) => {
    expect(isHcpcsLevel2(code)).toBe(false);
  });
});

describe('isProcedureCode', () => {
  it.each(['99213', '0001F', '0042T', '0001U', 'J3490', 'G0439'])('accepts CPT or HCPCS II %s', (code) => {
    expect(isProcedureCode(code)).toBe(true);
  });

  it.each(['', 'W1234', '9921', 'j3490', '0001X', 'K25.9', '99213-25'])('rejects %j', (code) => {
    expect(isProcedureCode(code)).toBe(false);
  });
});
