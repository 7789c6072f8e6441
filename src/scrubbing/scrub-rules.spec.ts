import { InvalidInput } from '../common/errors';
import { matchesProcedure, parseScrubRules } from './scrub-rules';

const problems = (json: unknown): string[] => {
  try {
    parseScrubRules(json, 'rules.json');
  } catch (error) {
    if (error instanceof InvalidInput) return error.errors.map((e) => e.field);
    throw error;
  }
  throw new Error('expected the rules to be refused');
};

describe('parseScrubRules', () => {
  it('reads severities, support lists (prefixes without their dot), unit limits and timely filing', () => {
    const rules = parseScrubRules(
      {
        about: 'example',
        edits: { DUPLICATE_LINE: 'warning', LINE_NOT_ON_FEE_SCHEDULE: 'off' },
        diagnosisSupport: [{ procedureCodes: ['93000-93010', 'J3420'], diagnosisPrefixes: ['I', 'Z01.810'] }],
        unitsMax: { '97110': 4 },
        timelyFilingDays: { default: 365, payers: { 'payer-acme': 90 } },
      },
      'rules.json',
    );
    expect(rules.source).toBe('rules.json');
    expect([...rules.severities]).toEqual([
      ['DUPLICATE_LINE', 'warning'],
      ['LINE_NOT_ON_FEE_SCHEDULE', 'off'],
    ]);
    expect(rules.diagnosisSupport).toEqual([{ procedureCodes: ['93000-93010', 'J3420'], diagnosisPrefixes: ['I', 'Z01810'] }]);
    expect([...rules.unitsMax]).toEqual([['97110', 4]]);
    expect(rules.timelyFiling.defaultDays).toBe(365);
    expect([...rules.timelyFiling.payers]).toEqual([['payer-acme', 90]]);
  });

  it('an empty object is a valid rule file: every edit at its default, nothing configured', () => {
    const rules = parseScrubRules({}, 'empty.json');
    expect(rules.severities.size + rules.diagnosisSupport.length + rules.unitsMax.size).toBe(0);
    expect(rules.timelyFiling.defaultDays).toBeNull();
  });

  it('reports every problem with its path, unknown keys included (a typo never silently disables a rule)', () => {
    expect(
      problems({
        edit: {},
        edits: { DUPLICATE_LINES: 'error', MODIFIER_25_NOT_EM: 'fatal' },
        diagnosisSupport: [{ procedureCodes: ['9300', '93010-93000'], diagnosisPrefixes: ['i10'] }, 'x'],
        unitsMax: { '97110': 0, ABCDE: 2 },
        timelyFilingDays: { default: 0, payers: { 'payer-acme': 'ninety' }, extra: 1 },
      }),
    ).toEqual([
      'edit',
      'edits.DUPLICATE_LINES',
      'edits.MODIFIER_25_NOT_EM',
      'diagnosisSupport[0].procedureCodes[0]',
      'diagnosisSupport[0].procedureCodes[1]',
      'diagnosisSupport[0].diagnosisPrefixes[0]',
      'diagnosisSupport[1]',
      'unitsMax.97110',
      'unitsMax.ABCDE',
      'timelyFilingDays.default',
      'timelyFilingDays.payers.payer-acme',
      'timelyFilingDays.extra',
    ]);
  });

  it('refuses what is not an object', () => {
    expect(problems([])).toEqual(['(file)']);
  });
});

describe('matchesProcedure', () => {
  it.each([
    ['93000', '93000', true],
    ['93000', '93005', false],
    ['93000-93010', '93005', true],
    ['93000-93010', '93010', true],
    ['93000-93010', '93011', false],
    ['93000-93010', 'G0439', false],
  ])('%s matches %s: %s', (pattern, code, expected) => {
    expect(matchesProcedure(pattern, code)).toBe(expected);
  });
});
