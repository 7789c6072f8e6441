import fs from 'node:fs';
import path from 'node:path';

/**
 * The finance domain files are pure (STYLE.md §2): the chart, the journal mapping, trial balance,
 * aging, the row encodings and the tar format import nothing from NestJS, the stores, rxjs or the
 * clock. (test/architecture.spec.ts checks the core's pure files; this checks finance's.)
 */
const PURE = ['chart-of-accounts.ts', 'journal.ts', 'trial-balance.ts', 'aging.ts', 'snapshot-rows.ts', 'tar.ts'];
const FORBIDDEN_IMPORTS = [/^@nestjs\//, /^class-validator$/, /^class-transformer$/, /^@eventstore\//, /^better-sqlite3$/, /^rxjs/, /event-store\//, /projections\//, /^node:(fs|os|path|child_process|crypto)$/];
const FORBIDDEN_CALLS = [/\bDate\.now\(/, /new Date\(\s*\)/, /\brandomUUID\(/, /Math\.random\(/];

describe('pure finance files', () => {
  it.each(PURE)('src/finance/%s imports nothing from the edges and reads no clock', (name) => {
    const source = fs.readFileSync(path.resolve(__dirname, '..', '..', 'src', 'finance', name), 'utf8');
    const imports = [...source.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1] as string);
    expect(imports.filter((i) => FORBIDDEN_IMPORTS.some((rule) => rule.test(i)))).toEqual([]);
    expect(FORBIDDEN_CALLS.filter((rule) => rule.test(source)).map(String)).toEqual([]);
  });
});
