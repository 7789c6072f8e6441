/**
 * The shipped examples (config/examples/) stay valid: the fee schedule parses and loads, the
 * rule file parses, and every diagnosis prefix in it begins at least one real ICD-10-CM code
 * (checked against the team's FY2026 code list in ../shared/reference when it is present).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseFeeScheduleCsv } from '../../src/contracts/fee-schedule-csv';
import { loadFeeSchedule } from '../../src/contracts/load-fee-schedule/load-fee-schedule';
import { initialFeeSchedules } from '../../src/contracts/fee-schedule';
import { loadScrubRules } from '../../src/scrubbing/scrub-rules-file';

const EXAMPLES = path.resolve(__dirname, '../../config/examples');
const ICD10CM_CODES = path.resolve(__dirname, '../../../shared/reference/icd10cm/icd10cm_codes_2026.txt.gz');

describe('config/examples', () => {
  const csv = fs.readFileSync(path.join(EXAMPLES, 'fee-schedule.example.csv'), 'utf8');
  const rules = loadScrubRules(path.join(EXAMPLES, 'scrub-rules.example.json'));

  it('both files say they are examples with invented numbers', () => {
    expect(csv).toMatch(/EXAMPLE ONLY\. Invented amounts/);
    expect(fs.readFileSync(path.join(EXAMPLES, 'scrub-rules.example.json'), 'utf8')).toMatch(/EXAMPLE ONLY\. Invented rules/);
  });

  it('the fee schedule parses and is a valid schedule (codes, cents, no duplicate rows)', () => {
    const { rows, modifierRules } = parseFeeScheduleCsv(csv);
    expect(rows).toHaveLength(20);
    expect(modifierRules.map((r) => r.modifier)).toEqual(['22', '50', '51', '62', '80', '82']);
    const [event] = loadFeeSchedule({ payerId: 'payer-example', effectiveFrom: '2026-01-01', rows, modifierRules, loadedAt: '2026-01-01T00:00:00Z' }, initialFeeSchedules);
    expect(event?.data.rows).toHaveLength(20);
  });

  it('the fee schedule carries codes and amounts only: no descriptions', () => {
    const records = csv.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    expect(records.every((record) => record.split(',').length === 5)).toBe(true);
  });

  it('the rule file parses: support lists, unit limits, timely filing', () => {
    expect(rules.source).toMatch(/scrub-rules\.example\.json$/);
    expect(rules.diagnosisSupport.length).toBeGreaterThan(0);
    expect(rules.unitsMax.get('97110')).toBe(4);
    expect(rules.timelyFiling.payers.get('payer-example-commercial')).toBe(90);
  });

  it('every diagnosis prefix in the rule file begins at least one FY2026 ICD-10-CM code', () => {
    if (!fs.existsSync(ICD10CM_CODES)) {
      console.warn(`skipped: the ICD-10-CM code list is not at ${ICD10CM_CODES}`);
      return;
    }
    const codes = zlib
      .gunzipSync(fs.readFileSync(ICD10CM_CODES))
      .toString('utf8')
      .split('\n')
      .map((line) => line.slice(0, 8).trim())
      .filter((code) => code !== '');
    expect(codes.length).toBeGreaterThan(70_000);
    const prefixes = [...new Set(rules.diagnosisSupport.flatMap((rule) => rule.diagnosisPrefixes))];
    expect(prefixes.filter((prefix) => !codes.some((code) => code.startsWith(prefix)))).toEqual([]);
  });
});
