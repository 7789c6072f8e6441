import * as fs from 'node:fs';
import * as path from 'node:path';

// The validators must stay pure: no framework, no database, no clock; node:fs only in the loader.
const sources = fs
  .readdirSync(__dirname)
  .filter((name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'))
  .map((name) => [name, fs.readFileSync(path.join(__dirname, name), 'utf8')] as const);

describe('src/codes purity', () => {
  it.each(sources)('%s imports no framework, database or reactive library and reads no clock', (_name, text) => {
    expect(text).not.toMatch(/from '(@nestjs\/|class-validator|class-transformer|better-sqlite3|rxjs)/);
    expect(text).not.toMatch(/\bDate\b|performance\.now|process\.hrtime/);
  });

  it.each(sources.filter(([name]) => name !== 'code-set.ts'))('%s does not touch the file system', (_name, text) => {
    expect(text).not.toMatch(/node:fs|from 'fs'|require\(/);
  });
});
