import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TAR_BLOCK, TAR_END, tarHeader, tarLength, tarPadding } from './tar';

const archive = (files: Array<[string, string]>, mtime: number): Buffer =>
  Buffer.concat([...files.flatMap(([name, text]) => [tarHeader(name, Buffer.byteLength(text), mtime), Buffer.from(text), tarPadding(Buffer.byteLength(text))]), TAR_END]);

describe('deterministic ustar', () => {
  const files: Array<[string, string]> = [
    ['journal.csv', 'a,b\r\n1,2\r\n'],
    ['empty.csv', ''],
    ['block.csv', 'x'.repeat(TAR_BLOCK)],
  ];

  it('the same files give the same bytes, of the announced length', () => {
    const one = archive(files, 1_772_000_000);
    expect(archive(files, 1_772_000_000).equals(one)).toBe(true);
    expect(one.length).toBe(tarLength(files.map(([, text]) => Buffer.byteLength(text))));
    expect(one.length % TAR_BLOCK).toBe(0);
  });

  it('the header checksum is the byte sum with the checksum field as spaces', () => {
    const header = tarHeader('journal.csv', 10, 0);
    const stored = parseInt(header.subarray(148, 154).toString('ascii'), 8);
    const blanked = Buffer.from(header).fill(0x20, 148, 156);
    expect(blanked.reduce((sum, b) => sum + b, 0)).toBe(stored);
  });

  it('refuses a name with a directory or longer than 100 bytes', () => {
    expect(() => tarHeader('dir/file', 1, 0)).toThrow();
    expect(() => tarHeader('x'.repeat(101), 1, 0)).toThrow();
  });

  it('the system tar reads it back (skipped where tar is not installed)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-spec-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.tar'), archive(files, 1_772_000_000));
      let listing: string;
      try {
        listing = execFileSync('tar', ['-tvf', 'a.tar'], { cwd: dir, encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          console.warn('tar is not installed: skipped reading the archive back with the system tar');
          return;
        }
        throw error;
      }
      expect(listing).toMatch(/-rw-r--r-- 0\/0 +10 2026-02-25 06:13 journal\.csv/);
      execFileSync('tar', ['-xf', 'a.tar'], { cwd: dir });
      for (const [name, text] of files) expect(fs.readFileSync(path.join(dir, name), 'utf8')).toBe(text);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
