import { InvalidInput } from '../common/errors';
import { UNITS_POLICIES, type FeeScheduleRow, type ModifierRule, type UnitsPolicy } from './fee-schedule';
import { parseModifierAdjustment } from './modifier-adjustment';

/** A fee schedule file larger than this is refused before parsing (20,000 rows take about 0.6 MB). */
export const FEE_SCHEDULE_CSV_BYTES_MAX = 8 * 1024 * 1024;
/** Problems reported from one file; past this the file is clearly not a fee schedule. */
export const CSV_ERRORS_MAX = 50;

export const FEE_SCHEDULE_CSV_HEADER = ['kind', 'procedure_code', 'modifier', 'amount', 'units_policy'] as const;

type FieldError = { field: string; message: string };

/** One CSV record (RFC 4180 quoting; a record does not span lines), or a message saying why not. */
const splitRecord = (line: string): string[] | string => {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return 'an unclosed quote';
        if (line[i] === '"') {
          if (line[i + 1] === '"') (field += '"'), (i += 2);
          else {
            i++;
            break;
          }
        } else field += line[i++];
      }
      if (i < line.length && line[i] !== ',') return 'text after a closing quote';
    } else {
      const end = line.indexOf(',', i);
      field = end === -1 ? line.slice(i) : line.slice(i, end);
      i = end === -1 ? line.length : end;
    }
    fields.push(field.trim());
    if (i >= line.length) return fields;
    i++; // the comma
  }
};

const CENTS = /^\d{1,10}$/;

/**
 * Reads a fee schedule CSV (docs/contracts-and-scrubbing.md): a header
 * `kind,procedure_code,modifier,amount,units_policy`, then `fee` rows (amount = allowed integer
 * cents, units policy `per_unit` or `per_service`, blank = per_unit) and `modifier` rows (amount =
 * the change: `150%`, `+25%`, `+1500`). `#` starts a comment line; blank lines are skipped.
 * Every problem is reported with its line number; form checks on codes follow in the decider.
 */
export const parseFeeScheduleCsv = (text: string): { rows: FeeScheduleRow[]; modifierRules: ModifierRule[] } => {
  const rows: FeeScheduleRow[] = [];
  const modifierRules: ModifierRule[] = [];
  const errors: FieldError[] = [];
  const problem = (lineNumber: number, message: string): void => {
    if (errors.length < CSV_ERRORS_MAX) errors.push({ field: `line ${lineNumber}`, message });
  };
  let headerSeen = false;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNumber = index + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = splitRecord(line);
    if (typeof fields === 'string') return problem(lineNumber, fields);
    if (!headerSeen) {
      headerSeen = true;
      const header = fields.map((f) => f.toLowerCase());
      if (header.join(',') !== FEE_SCHEDULE_CSV_HEADER.join(',')) problem(lineNumber, `the header must be ${FEE_SCHEDULE_CSV_HEADER.join(',')}`);
      return;
    }
    if (fields.length !== FEE_SCHEDULE_CSV_HEADER.length) return problem(lineNumber, `${fields.length} fields; a record has ${FEE_SCHEDULE_CSV_HEADER.length}`);
    const [kind, procedureCode, modifier, amount, unitsPolicy] = fields as [string, string, string, string, string];
    if (kind === 'fee') {
      if (!CENTS.test(amount)) return problem(lineNumber, `amount "${amount.slice(0, 20)}" must be the allowed amount in whole cents (9200 for $92.00)`);
      const policy = unitsPolicy === '' ? 'per_unit' : unitsPolicy;
      if (!(UNITS_POLICIES as readonly string[]).includes(policy)) return problem(lineNumber, `units_policy must be ${UNITS_POLICIES.join(' or ')}`);
      rows.push({ procedureCode, ...(modifier !== '' && { modifier }), allowedCents: Number(amount), unitsPolicy: policy as UnitsPolicy });
      return;
    }
    if (kind === 'modifier') {
      if (procedureCode !== '') return problem(lineNumber, 'a modifier rule applies to every code: leave procedure_code empty');
      if (modifier === '') return problem(lineNumber, 'a modifier rule names its modifier');
      const rule = parseModifierAdjustment(modifier, amount);
      if (typeof rule === 'string') return problem(lineNumber, rule);
      modifierRules.push(rule);
      return;
    }
    problem(lineNumber, `kind must be fee or modifier, not "${kind.slice(0, 20)}"`);
  });
  if (!headerSeen) problem(1, `the file is empty: expected the header ${FEE_SCHEDULE_CSV_HEADER.join(',')}`);
  if (errors.length > 0) throw new InvalidInput('the fee schedule file is not valid', errors);
  return { rows, modifierRules };
};
