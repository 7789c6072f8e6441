/**
 * The X12 edge: turns raw text into segments with node-x12 (delimiters from the ISA, segment and
 * element tokenising), and nothing more. The envelope, the loops and the meaning are ours
 * (read-835.ts), over the tokens this returns, so every problem can name its segment.
 *
 * node-x12 finds the delimiters at fixed ISA offsets, so before handing it the text we take off
 * what real files carry in front of the ISA (a UTF-8 byte order mark, blank lines). A bare
 * transaction set (a file that starts at ST, as some payers' samples do) has no ISA to read the
 * delimiters from: they are taken from the ST segment itself and node-x12 is told them.
 */
import { X12Parser, type X12Segment } from 'node-x12';
import type { ImportProblem } from './era';

/** One segment as node-x12 read it: tag and element values (ISA13/IEA02 come back without zero padding). */
export interface X12Token {
  tag: string;
  /** Element values, 1-based in X12 terms: elements[0] is XX01. */
  elements: string[];
}

export interface X12Document {
  tokens: X12Token[];
  /** The component (sub-element) separator the file declares: ISA16, or ':' for a bare transaction set. */
  componentSeparator: string;
  /** True when the file has no ISA/GS envelope (it starts at ST). */
  bare: boolean;
  problems: ImportProblem[];
  warnings: ImportProblem[];
}

/** A file larger than this many segments is refused before it is read into memory as events. */
export const SEGMENTS_PER_FILE_MAX = 500_000;

const BYTE_ORDER_MARK = '\uFEFF';
/** Without an ISA (a bare ST…SE) there is no ISA16; ':' is the component separator X12 examples use. */
const DEFAULT_COMPONENT_SEPARATOR = ':';

const problem = (code: string, message: string): ImportProblem => ({ code, message, scope: 'file', position: { segment: 1, tag: 'ISA' } });

/** Delimiters of a bare transaction set: the element separator follows "ST"; the terminator ends ST's last element. */
const bareDelimiters = (text: string): { elementDelimiter: string; segmentTerminator: string } | null => {
  const elementDelimiter = text.charAt(2);
  if (elementDelimiter === '' || /[A-Za-z0-9\s]/.test(elementDelimiter)) return null;
  for (let i = 3; i < text.length; i++) {
    const c = text.charAt(i);
    if (c !== elementDelimiter && !/[A-Za-z0-9]/.test(c)) return { elementDelimiter, segmentTerminator: c === '\r' ? '\n' : c };
  }
  return null;
};

const tokenize = (text: string, options: ConstructorParameters<typeof X12Parser>[2]): Promise<{ segments: X12Segment[]; diagnostics: string[] }> =>
  new Promise((resolve, reject) => {
    const parser = options === undefined ? new X12Parser(false) : new X12Parser(false, 'utf8', options);
    const segments: X12Segment[] = [];
    parser.on('data', (segment: X12Segment) => {
      segments.push(segment);
      if (segments.length > SEGMENTS_PER_FILE_MAX) parser.destroy(new Error(`the file has more than ${SEGMENTS_PER_FILE_MAX} segments`));
    });
    parser.on('error', reject);
    parser.on('end', () => resolve({ segments, diagnostics: parser.diagnostics.map((d) => d.message) }));
    parser.end(text);
  });

/** Reads X12 text into segments. Never throws for bad input: what cannot be read is a problem. */
export const readX12 = async (raw: string): Promise<X12Document> => {
  const warnings: ImportProblem[] = [];
  let text = raw;
  if (text.startsWith(BYTE_ORDER_MARK)) {
    text = text.slice(BYTE_ORDER_MARK.length);
    warnings.push(problem('BYTE_ORDER_MARK', 'the file starts with a UTF-8 byte order mark; it was ignored'));
  }
  text = text.trimStart();
  const empty = (p: ImportProblem): X12Document => ({ tokens: [], componentSeparator: DEFAULT_COMPONENT_SEPARATOR, bare: false, problems: [p], warnings });

  if (text.startsWith('ISA')) {
    let read: { segments: X12Segment[]; diagnostics: string[] };
    try {
      read = await tokenize(text, undefined);
    } catch (error) {
      return empty(problem('NOT_X12', `the file could not be read as X12: ${error instanceof Error ? error.message : String(error)}`));
    }
    const tokens = read.segments.map((s) => ({ tag: s.tag, elements: s.elements.map((e) => e.value) }));
    const isa = tokens[0];
    // node-x12 reports an ISA of the wrong length (its delimiters are then unreliable); its other diagnostics need the object model, which we do not build.
    const problems = read.diagnostics.filter((m) => m.includes('ISA segment')).map((m) => problem('ENVELOPE_ISA_LENGTH', m));
    return { tokens, componentSeparator: isa?.elements[15] ?? DEFAULT_COMPONENT_SEPARATOR, bare: false, problems, warnings };
  }
  if (text.startsWith('ST')) {
    const delimiters = bareDelimiters(text);
    if (delimiters === null) return empty(problem('NOT_X12', 'the file starts with ST but its delimiters cannot be told'));
    let read: { segments: X12Segment[]; diagnostics: string[] };
    try {
      read = await tokenize(text, { ...delimiters, subElementDelimiter: DEFAULT_COMPONENT_SEPARATOR });
    } catch (error) {
      return empty(problem('NOT_X12', `the file could not be read as X12: ${error instanceof Error ? error.message : String(error)}`));
    }
    const tokens = read.segments.map((s) => ({ tag: s.tag, elements: s.elements.map((e) => e.value) }));
    return { tokens, componentSeparator: DEFAULT_COMPONENT_SEPARATOR, bare: true, problems: [], warnings };
  }
  return empty(problem('NOT_X12', 'the file is not X12: it starts with neither an ISA nor an ST segment'));
};
