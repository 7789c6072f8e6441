import { validateCode } from '../codes';
import { isIsoDate } from '../common/dates';
import { InvalidInput, RuleViolation } from '../common/errors';
import type { ServiceLine } from './encounter';

export const DIAGNOSES_MAX = 12;
export const MODIFIERS_MAX = 4;
export const POINTERS_MAX = 4;
export const LINES_MAX = 50;

type FieldError = { field: string; message: string };

/** Form checks on codes and line shape: a failure is bad input (400), nothing is appended. */
export const codingInputErrors = (diagnoses: readonly string[], lines: readonly ServiceLine[]): FieldError[] => {
  const errors: FieldError[] = [];
  const problem = (field: string, message: string | null): void => {
    if (message !== null) errors.push({ field, message });
  };
  if (diagnoses.length < 1 || diagnoses.length > DIAGNOSES_MAX) problem('diagnoses', `between 1 and ${DIAGNOSES_MAX} diagnoses`);
  diagnoses.forEach((code, i) => problem(`diagnoses[${i}]`, validateCode('icd10cm', code)));
  if (new Set(diagnoses).size !== diagnoses.length) problem('diagnoses', 'a diagnosis is listed twice');
  if (lines.length < 1 || lines.length > LINES_MAX) problem('lines', `between 1 and ${LINES_MAX} lines`);
  const numbers = lines.map((line) => line.lineNumber);
  if (new Set(numbers).size !== numbers.length) problem('lines', 'line numbers must be unique');
  lines.forEach((line, i) => {
    const at = `lines[${i}]`;
    if (!Number.isSafeInteger(line.lineNumber) || line.lineNumber < 1) problem(`${at}.lineNumber`, 'a positive integer');
    problem(`${at}.procedureCode`, validateCode('procedure', line.procedureCode));
    if (line.modifiers.length > MODIFIERS_MAX) problem(`${at}.modifiers`, `at most ${MODIFIERS_MAX} modifiers`);
    line.modifiers.forEach((modifier, j) => problem(`${at}.modifiers[${j}]`, validateCode('modifier', modifier)));
    if (!Number.isSafeInteger(line.units) || line.units < 1) problem(`${at}.units`, 'a whole number of units, at least 1');
    if (!Number.isSafeInteger(line.chargeCents) || line.chargeCents < 0) problem(`${at}.chargeCents`, 'integer cents, not negative');
    const pointers = line.diagnosisPointers;
    if (pointers.length < 1 || pointers.length > POINTERS_MAX) problem(`${at}.diagnosisPointers`, `between 1 and ${POINTERS_MAX} pointers`);
    if (pointers.some((p) => !Number.isSafeInteger(p) || p < 1)) problem(`${at}.diagnosisPointers`, 'pointers are 1-based integers');
  });
  return errors;
};

export const assertCodingInput = (
  input: { providerNpi?: string; dateOfService?: string; diagnoses: readonly string[]; lines: readonly ServiceLine[] },
): void => {
  const errors = codingInputErrors(input.diagnoses, input.lines);
  if (input.providerNpi !== undefined) {
    const npi = validateCode('npi', input.providerNpi);
    if (npi !== null) errors.unshift({ field: 'providerNpi', message: npi });
  }
  if (input.dateOfService !== undefined && !isIsoDate(input.dateOfService)) {
    errors.unshift({ field: 'dateOfService', message: 'a calendar date YYYY-MM-DD' });
  }
  if (errors.length > 0) throw new InvalidInput('the coding is not valid', errors);
};

/** Every pointer must name a diagnosis the claim carries (a rule: 422). */
export const assertPointersResolve = (diagnoses: readonly string[], lines: readonly ServiceLine[]): void => {
  for (const line of lines) {
    const bad = line.diagnosisPointers.find((p) => p > diagnoses.length);
    if (bad !== undefined) {
      throw new RuleViolation(
        'DIAGNOSIS_POINTER_OUT_OF_RANGE',
        `line ${line.lineNumber} points at diagnosis ${bad}, but there are only ${diagnoses.length}`,
      );
    }
  }
};
