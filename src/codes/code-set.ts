import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import type { CodeKind } from './code-kind';
import { validateCode } from './validate-code';

/** A published list of codes of one kind, for checking that a well-formed code actually exists. */
export class CodeSet {
  private constructor(
    readonly kind: CodeKind,
    private readonly codes: ReadonlySet<string>,
  ) {}

  /**
   * Builds a set from lines whose first whitespace-separated token is a code in canonical form;
   * the rest of a line (a description) and blank lines are ignored. Throws on a malformed code.
   */
  static fromLines(kind: CodeKind, lines: Iterable<string>): CodeSet {
    const codes = new Set<string>();
    let lineNumber = 0;
    for (const line of lines) {
      lineNumber++;
      const code = line.trim().split(/\s/, 1)[0];
      if (!code) continue;
      const problem = validateCode(kind, code);
      if (problem !== null) throw new Error(`line ${lineNumber} of the ${kind} code set: ${problem}`);
      codes.add(code);
    }
    return new CodeSet(kind, codes);
  }

  /** Whether `code`, in canonical form, is in the set. */
  has(code: string): boolean {
    return this.codes.has(code);
  }

  /** How many distinct codes the set holds. */
  get size(): number {
    return this.codes.size;
  }
}

const GZIP_MAGIC = [0x1f, 0x8b] as const;

// CMS publishes codes without the dot; the canonical form puts it after the third character.
function* dottedIcd10CmLines(text: string): Generator<string> {
  for (const line of text.split(/\r?\n/)) yield line.trim().replace(/^(\S{3})(\S)/, '$1.$2');
}

/**
 * Loads the CMS ICD-10-CM release file (`icd10cm_codes_YYYY.txt`, plain or gzipped): one
 * "CODE<spaces>DESCRIPTION" per line, the code undotted (`A000`), stored dotted (`A00.0`).
 */
export function loadIcd10CmCodeSet(filePath: string): CodeSet {
  const raw = fs.readFileSync(filePath);
  const gzipped = raw[0] === GZIP_MAGIC[0] && raw[1] === GZIP_MAGIC[1];
  const text = (gzipped ? zlib.gunzipSync(raw) : raw).toString('utf8');
  return CodeSet.fromLines('icd10cm', dottedIcd10CmLines(text));
}
