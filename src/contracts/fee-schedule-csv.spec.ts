import { InvalidInput } from '../common/errors';
import { parseFeeScheduleCsv } from './fee-schedule-csv';

const csv = (...lines: string[]): string => ['kind,procedure_code,modifier,amount,units_policy', ...lines].join('\n');

const problems = (text: string): Array<{ field: string; message: string }> => {
  try {
    parseFeeScheduleCsv(text);
  } catch (error) {
    if (error instanceof InvalidInput) return [...error.errors];
    throw error;
  }
  throw new Error('expected the file to be refused');
};

describe('parseFeeScheduleCsv', () => {
  it('reads fee rows and modifier rules; comments, blank lines, CRLF, quotes and a BOM are fine', () => {
    const text = `\uFEFF# invented amounts\r\n${csv('fee,99213,,9200,per_service', '', '"fee","73630","26","1100","per_service"', 'fee,97110,,2900,', '# modifiers', 'modifier,,50,150%,', 'modifier,,22,+25%,', 'modifier,,52,-1000,')}`;
    expect(parseFeeScheduleCsv(text)).toEqual({
      rows: [
        { procedureCode: '99213', allowedCents: 9_200, unitsPolicy: 'per_service' },
        { procedureCode: '73630', modifier: '26', allowedCents: 1_100, unitsPolicy: 'per_service' },
        { procedureCode: '97110', allowedCents: 2_900, unitsPolicy: 'per_unit' },
      ],
      modifierRules: [
        { modifier: '50', kind: 'percent', basisPoints: 15_000 },
        { modifier: '22', kind: 'percent', basisPoints: 12_500 },
        { modifier: '52', kind: 'fixed', amountCents: -1_000 },
      ],
    });
  });

  it('reports every problem with its line number', () => {
    expect(
      problems(
        csv(
          'fee,99213,,92.00,per_service',
          'fee,99214,,13000,per_visit',
          'modifier,27447,50,150%,',
          'modifier,,50,150,',
          'rebate,99213,,1,',
          'fee,99213,,1',
          'fee,"99213,,1,per_unit',
        ),
      ).map((p) => p.field),
    ).toEqual(['line 2', 'line 3', 'line 4', 'line 5', 'line 6', 'line 7', 'line 8']);
  });

  it('says the amount is whole cents when given dollars', () => {
    expect(problems(csv('fee,99213,,92.00,per_service'))[0]?.message).toMatch(/whole cents \(9200 for \$92.00\)/);
  });

  it('needs the header first, and a non-empty file', () => {
    expect(problems('code,allowed\n99213,9200')[0]).toEqual({ field: 'line 1', message: 'the header must be kind,procedure_code,modifier,amount,units_policy' });
    expect(problems('# nothing\n\n')[0]?.message).toMatch(/empty/);
  });
});
