import fs from 'node:fs';
import path from 'node:path';

/**
 * Pure domain (deciders, evolve, rules, code validators, views) imports nothing from NestJS,
 * class-validator, the stores, rxjs or the clock: time and ids come in as data (STYLE.md §2).
 */
const root = path.resolve(__dirname, '..', 'src');
const FORBIDDEN_IMPORTS = [/^@nestjs\//, /^class-validator$/, /^class-transformer$/, /^@eventstore\//, /^better-sqlite3$/, /^rxjs/, /event-store\//, /projections\//];
const FORBIDDEN_CALLS = [/\bDate\.now\(/, /new Date\(\s*\)/, /\brandomUUID\(/, /Math\.random\(/];

const walk = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });

const isPure = (file: string): boolean => {
  const relative = path.relative(root, file).split(path.sep).join('/');
  if (!relative.endsWith('.ts') || relative.endsWith('.spec.ts')) return false;
  if (relative.startsWith('codes/')) return !relative.endsWith('code-set.ts');
  if (/^(claims|encounters|patients)\/[a-z-]+\/[a-z-]+\.ts$/.test(relative)) return !relative.includes('/dto/');
  return [
    'claims/claim.ts',
    'claims/claim-rules.ts',
    'claims/claim-view.ts',
    'encounters/encounter.ts',
    'encounters/coding-rules.ts',
    'patients/patient.ts',
    'common/money.ts',
    'common/errors.ts',
    'common/event.ts',
    'common/dates.ts',
    'common/hostile-json.ts',
    'remittances/era.ts',
    'remittances/read-835.ts',
    'remittances/plan-import.ts',
    'remittances/export-837.ts',
  ].includes(relative);
};

const pureFiles = walk(root).filter(isPure);

describe('pure domain files', () => {
  it('finds the deciders and domain files to check', () => {
    expect(pureFiles.length).toBeGreaterThan(20);
    expect(pureFiles.some((f) => f.endsWith('post-remittance.ts'))).toBe(true);
  });

  it.each(pureFiles.map((f) => [path.relative(root, f), f]))('%s imports nothing from the edges and reads no clock', (_, file) => {
    const source = fs.readFileSync(file, 'utf8');
    const imports = [...source.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1] as string);
    expect(imports.filter((i) => FORBIDDEN_IMPORTS.some((rule) => rule.test(i)))).toEqual([]);
    expect(FORBIDDEN_CALLS.filter((rule) => rule.test(source)).map(String)).toEqual([]);
  });
});

/**
 * Idempotency-Key is honoured on every POST: the interceptor is bound per controller (a global
 * one would wrap every GET too, at a cost), so every controller with a POST route must bind it.
 */
describe('controllers with POST routes', () => {
  const controllers = walk(root).filter((f) => f.endsWith('.controller.ts') && fs.readFileSync(f, 'utf8').includes('@Post('));

  it('finds the command controllers', () => {
    expect(controllers.length).toBeGreaterThanOrEqual(9);
  });

  it.each(controllers.map((f) => [path.relative(root, f), f]))('%s binds the IdempotencyInterceptor to the controller', (_, file) => {
    expect(fs.readFileSync(file, 'utf8')).toMatch(/@UseInterceptors\(IdempotencyInterceptor\)\s*\n(@[A-Za-z]+\([^\n]*\)\s*\n)*@Controller\(/);
  });
});
