import * as fs from 'node:fs';
import * as path from 'node:path';
import { isCarc, isRarc } from './carc-rarc';

describe('isCarc', () => {
  it.each(['1', '45', '253', 'A2', 'P1', 'B7', 'P10'])('accepts %s', (code) => {
    expect(isCarc(code)).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['2530', 'four characters'],
    ['a2', 'lowercase'],
    ['A-2', 'punctuation'],
    [' 45', 'leading space'],
  ])('rejects %j (%s)', (code) => {
    expect(isCarc(code)).toBe(false);
  });
});

describe('isRarc', () => {
  it.each(['N130', 'MA01', 'M15', 'N1', 'MA130', 'N890'])('accepts %s', (code) => {
    expect(isRarc(code)).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['130N', 'digits first'],
    ['N', 'no digits'],
    ['MA', 'no digits'],
    ['ABC1', 'three letters'],
    ['130', 'no letters'],
    ['n130', 'lowercase'],
    ['N13A', 'letter after the digits'],
    ['N12345', 'five digits'],
  ])('rejects %j (%s)', (code) => {
    expect(isRarc(code)).toBe(false);
  });
});

const referenceDir = path.resolve(__dirname, '../../../shared/reference/carc-rarc');
const present = fs.existsSync(referenceDir);
if (!present) console.warn(`skipping CARC/RARC reference-list spec: ${referenceDir} not found (../shared is only on the team's machines)`);

// First CSV column of each row after the header; no code or description in these files spans lines.
function codesIn(file: string): string[] {
  const lines = fs.readFileSync(path.join(referenceDir, file), 'utf8').split(/\r?\n/).slice(1);
  return lines.filter((line) => line !== '').map((line) => line.split(',', 1)[0] ?? '');
}

(present ? describe : describe.skip)('the published CARC and RARC lists', () => {
  it('every one of the 358 CARCs passes isCarc', () => {
    const codes = codesIn('carc.csv');
    expect(codes).toHaveLength(358);
    expect(codes.filter((code) => !isCarc(code))).toEqual([]);
  });

  it('every one of the 1,090 RARCs passes isRarc', () => {
    const codes = codesIn('rarc.csv');
    expect(codes).toHaveLength(1090);
    expect(codes.filter((code) => !isRarc(code))).toEqual([]);
  });
});
