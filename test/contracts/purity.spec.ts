import fs from 'node:fs';
import path from 'node:path';

/**
 * This pure files (deciders, pricing, edits, variance) import nothing from NestJS,
 * class-validator, the stores, rxjs or the projections, and read no clock (STYLE.md §2), like
 * the files test/architecture.spec.ts checks.
 */
const src = path.resolve(__dirname, '../../src');
const PURE = [
  'contracts/fee-schedule.ts',
  'contracts/fee-schedule-csv.ts',
  'contracts/fee-schedule-view.ts',
  'contracts/modifier-adjustment.ts',
  'contracts/pricing.ts',
  'contracts/load-fee-schedule/load-fee-schedule.ts',
  'scrubbing/edits.ts',
  'scrubbing/scrub-rules.ts',
  'scrubbing/vet-submission.ts',
  'worklists/variance.ts',
];
const FORBIDDEN_IMPORTS = [/^@nestjs\//, /^class-validator$/, /^class-transformer$/, /^@eventstore\//, /^better-sqlite3$/, /^rxjs/, /event-store\//, /projections\//, /^node:fs$/, /^fs$/];
const FORBIDDEN_CALLS = [/\bDate\.now\(/, /new Date\(/, /\brandomUUID\(/, /Math\.random\(/];

describe('pure files of contracts, scrubbing and worklists', () => {
  it.each(PURE)('%s imports nothing from the edges and reads no clock', (file) => {
    const source = fs.readFileSync(path.join(src, file), 'utf8');
    const imports = [...source.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1] as string);
    expect(imports.filter((i) => FORBIDDEN_IMPORTS.some((rule) => rule.test(i)))).toEqual([]);
    expect(FORBIDDEN_CALLS.filter((rule) => rule.test(source)).map(String)).toEqual([]);
  });
});
