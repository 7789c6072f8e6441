import fs from 'node:fs';
import path from 'node:path';

/**
 * The patient-billing domain (events, the account fold, deciders, aging, the ledger) imports
 * nothing from the edges and reads no clock (STYLE.md §2), by the same rules as
 * test/architecture.spec.ts, which does not list this folder.
 */
const root = path.resolve(__dirname, '..', '..', 'src', 'patient-billing');
const FORBIDDEN_IMPORTS = [/^@nestjs\//, /^class-validator$/, /^class-transformer$/, /^@eventstore\//, /^better-sqlite3$/, /^rxjs/, /event-store\//, /projections\//, /^pdfkit$/];
const FORBIDDEN_CALLS = [/\bDate\.now\(/, /new Date\(\s*\)/, /\brandomUUID\(/, /Math\.random\(/];

const PURE = [
  'patient-billing-events.ts',
  'patient-account.ts',
  'billing-rules.ts',
  'money-text.ts',
  'patient-aging.ts',
  'patient-ledger.ts',
  'issue-statement/issue-statement.ts',
  'agree-payment-plan/agree-payment-plan.ts',
  'evaluate-payment-plan/evaluate-payment-plan.ts',
  'place-with-collections/place-with-collections.ts',
  'recall-from-collections/recall-from-collections.ts',
];

describe('patient-billing pure domain files', () => {
  it('lists every decider folder', () => {
    const folders = fs.readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== 'dto').map((e) => e.name);
    expect(folders.sort()).toEqual(PURE.filter((f) => f.includes('/')).map((f) => f.split('/')[0]).sort());
  });

  it.each(PURE)('%s imports nothing from the edges and reads no clock', (file) => {
    const source = fs.readFileSync(path.join(root, file), 'utf8');
    const imports = [...source.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1] as string);
    expect(imports.filter((i) => FORBIDDEN_IMPORTS.some((rule) => rule.test(i)))).toEqual([]);
    expect(FORBIDDEN_CALLS.filter((rule) => rule.test(source)).map(String)).toEqual([]);
  });
});
