import { isAdjustmentGroup } from './adjustment-group';
import { isCarc, isRarc } from './carc-rarc';
import type { CodeKind } from './code-kind';
import { isIcd10Cm } from './icd10cm';
import { isModifier } from './modifier';
import { isNpi } from './npi';
import { isCpt, isHcpcsLevel2, isProcedureCode } from './procedure-codes';

/** One-line description of each code kind's form, for 400 error messages. */
export const CODE_DESCRIPTIONS: Record<CodeKind, string> = {
  icd10cm:
    'ICD-10-CM: uppercase, a letter then 2 letters or digits, then optionally a dot and 1 to 4 more letters or digits (e.g. A00, K25.9, S52.521A)',
  cpt: 'CPT: 5 digits, or 4 digits then F, T or U (e.g. 99213, 0001F)',
  hcpcs: 'HCPCS Level II: a letter A to V then 4 digits (e.g. J3490)',
  procedure:
    'procedure code: CPT (5 digits, or 4 digits then F, T or U) or HCPCS Level II (a letter A to V then 4 digits), e.g. 99213 or J3490',
  modifier: 'modifier: 2 uppercase letters or digits (e.g. 25, LT)',
  carc: 'CARC: 1 to 3 uppercase letters or digits (e.g. 45, A2)',
  rarc: 'RARC: 1 or 2 uppercase letters then 1 to 4 digits (e.g. N130, MA01)',
  npi: 'NPI: 10 digits starting with 1 or 2, the last a Luhn check digit (e.g. 1234567893)',
  adjustmentGroup: 'adjustment group code: one of CO, PR, OA, PI, CR',
};

const VALIDATORS: Record<CodeKind, (code: string) => boolean> = {
  icd10cm: isIcd10Cm,
  cpt: isCpt,
  hcpcs: isHcpcsLevel2,
  procedure: isProcedureCode,
  modifier: isModifier,
  carc: isCarc,
  rarc: isRarc,
  npi: isNpi,
  adjustmentGroup: isAdjustmentGroup,
};

const MAX_ECHOED_LENGTH = 40;

// Quoted so empty and whitespace-padded input is visible; cut so a huge payload is not echoed back.
function quote(code: string): string {
  const shown = code.length > MAX_ECHOED_LENGTH ? `${code.slice(0, MAX_ECHOED_LENGTH)}...` : code;
  return JSON.stringify(shown);
}

/** Checks `code` against the form of `kind`: null when valid, else a message naming the code and the form. */
export function validateCode(kind: CodeKind, code: string): string | null {
  if (VALIDATORS[kind](code)) return null;
  if (kind === 'npi' && /^[12][0-9]{9}$/.test(code)) {
    const form = CODE_DESCRIPTIONS.npi;
    return `${quote(code)} is not a valid NPI: its check digit does not match; expected ${form}`;
  }
  return `${quote(code)} is not a valid code; expected ${CODE_DESCRIPTIONS[kind]}`;
}
