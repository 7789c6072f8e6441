import { X12Parser, type X12Interchange } from 'node-x12';
import { RuleViolation } from '../common/errors';
import { claimAfter, corrected, denied, rejected, resubmitted, submitted, voided } from '../claims/claim-fixtures';
import { build837P, formatCents, frequencyFor, PLACEHOLDER_PROFILE } from './export-837';

const CREATED_AT = '2026-04-02T09:30:00.000Z';

const parse = (text: string) => {
  const interchange = new X12Parser(true).parse(text) as X12Interchange;
  const transaction = interchange.functionalGroups[0]?.transactions[0];
  if (!transaction) throw new Error('no transaction set');
  return { interchange, transaction, find: (tag: string) => transaction.segments.filter((s) => s.tag === tag) };
};

describe('build837P', () => {
  it('builds an 837P that node-x12 parses back strictly, with CLM02 = Σ line charges and one LX/SV1/DTP/REF*6R per line', () => {
    const built = build837P({ claim: claimAfter(submitted()), controlNumber: 42, createdAt: CREATED_AT });
    const { interchange, transaction, find } = parse(built.text);
    expect(interchange.header.valueOf(13)).toBe('42');
    expect(interchange.header.valueOf(15)).toBe(PLACEHOLDER_PROFILE.usage);
    expect(transaction.header.valueOf(2)).toBe('0042');
    expect(Number(transaction.trailer.valueOf(1))).toBe(built.transactionSegmentCount);
    expect(find('CLM')[0]?.valueOf(2)).toBe('400.00');
    expect(built.totalChargeCents).toBe(40_000);
    expect(find('LX').map((s) => s.valueOf(1))).toEqual(['1', '2', '3']);
    expect(find('SV1').map((s) => [s.valueOf(1), s.valueOf(2), s.valueOf(4), s.valueOf(7)])).toEqual([
      ['HC:99213:25', '150.00', '1', '1:2'],
      ['HC:93000', '75.00', '1', '2'],
      ['HC:G0439', '175.00', '1', '1'],
    ]);
    expect(find('DTP').map((s) => s.valueOf(3))).toEqual(['20250314', '20250314', '20250314']);
    expect(find('HI')[0]?.elements.map((e) => e.value)).toEqual(['ABK:E119', 'ABF:I10', 'ABF:J45909']);
    expect(find('BHT')[0]?.valueOf(4)).toBe('20260402');
  });

  it('is deterministic: the same claim, control number and time give the same bytes', () => {
    const input = { claim: claimAfter(submitted()), controlNumber: 7, createdAt: CREATED_AT };
    expect(build837P(input).text).toBe(build837P(input).text);
  });
});

describe('frequencyFor', () => {
  it('is 1 for an original, 7 for a resubmitted claim the payer adjudicated, 8 for a void', () => {
    expect(frequencyFor(claimAfter(submitted()), undefined)).toBe('1');
    expect(frequencyFor(claimAfter(submitted(), denied(), corrected(), resubmitted()), 'ICN-1')).toBe('7');
    expect(frequencyFor(claimAfter(submitted(), denied(), voided()), 'ICN-1')).toBe('8');
  });

  it('sends a claim the payer never adjudicated (front-end rejection) as an original, and refuses to void it', () => {
    expect(frequencyFor(claimAfter(submitted(), rejected(), corrected(), resubmitted()), undefined)).toBe('1');
    expect(() => frequencyFor(claimAfter(submitted(), voided()), undefined)).toThrow(RuleViolation);
  });
});

describe('formatCents', () => {
  it.each([
    [15_000, '150.00'],
    [5, '0.05'],
    [-4_258, '-42.58'],
    [0, '0.00'],
  ])('%d cents is %s', (cents, text) => expect(formatCents(cents)).toBe(text));
});
