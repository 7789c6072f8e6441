import { isProcedureCode } from '../codes';
import { InvalidInput } from '../common/errors';

/** `error` blocks submission (422, nothing appended); `warning` lets the claim go and is recorded on its event. */
export type Severity = 'error' | 'warning';
export const SEVERITIES: readonly Severity[] = ['error', 'warning'];

export const EDIT_IDS = [
  'DIAGNOSIS_POINTER_MISSING',
  'DIAGNOSIS_POINTER_INVALID',
  'MEMBER_ID_MISSING',
  'DUPLICATE_LINE',
  'MODIFIER_25_NOT_EM',
  'MODIFIER_59_WITH_EM_ONLY',
  'DIAGNOSIS_NOT_SUPPORTED',
  'UNITS_EXCEED_MAXIMUM',
  'DATE_OF_SERVICE_IN_FUTURE',
  'TIMELY_FILING_EXCEEDED',
  'LINE_NOT_ON_FEE_SCHEDULE',
] as const;
export type EditId = (typeof EDIT_IDS)[number];

/** Which ICD-10-CM prefixes support which procedure codes (a payer's coverage policy, as configured). */
export interface DiagnosisSupportRule {
  /** Exact codes (`93000`) or inclusive ranges of five-digit codes (`93000-93010`). */
  procedureCodes: string[];
  /** ICD-10-CM prefixes, compared without the dot (`R07.9` and `R079` are the same prefix). */
  diagnosisPrefixes: string[];
}

/** Everything the scrubber is configured with. Loaded once at start (SCRUB_RULES_FILE). */
export interface ScrubRules {
  /** Where the rules came from; null: no rule file, so only the built-in structural edits run. */
  source: string | null;
  /** Per-edit severity overrides; `off` skips the edit. */
  severities: ReadonlyMap<EditId, Severity | 'off'>;
  diagnosisSupport: readonly DiagnosisSupportRule[];
  /** Units payable per procedure code per date of service (summed over the claim's lines). */
  unitsMax: ReadonlyMap<string, number>;
  /** Days from the date of service within which a payer accepts a claim. */
  timelyFiling: { defaultDays: number | null; payers: ReadonlyMap<string, number> };
}

/** No rule file: the structural edits at their default severity, nothing configured. */
export const BUILT_IN_RULES: ScrubRules = {
  source: null,
  severities: new Map(),
  diagnosisSupport: [],
  unitsMax: new Map(),
  timelyFiling: { defaultDays: null, payers: new Map() },
};

/** Limits on a rule file, so a mistaken file fails loudly instead of slowing every submission. */
export const SUPPORT_RULES_MAX = 5_000;
export const PREFIXES_PER_RULE_MAX = 1_000;
export const UNITS_RULES_MAX = 20_000;
export const TIMELY_FILING_DAYS_MAX = 3_650;
const UNITS_MAX_LIMIT = 9_999;

const RANGE = /^(\d{5})-(\d{5})$/;
const PREFIX = /^[A-Z][A-Z0-9]{0,2}(\.?[A-Z0-9]{0,4})?$/;
const TOP_LEVEL = new Set(['about', '$comment', 'edits', 'diagnosisSupport', 'unitsMax', 'timelyFilingDays']);

type FieldError = { field: string; message: string };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const wholeNumber = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;

export const isProcedurePattern = (pattern: string): boolean => {
  const range = RANGE.exec(pattern);
  if (range) return Number(range[1]) <= Number(range[2]);
  return isProcedureCode(pattern);
};

/** Does a procedure code match an exact code or a `lo-hi` range of five-digit codes? */
export const matchesProcedure = (pattern: string, procedureCode: string): boolean => {
  const range = RANGE.exec(pattern);
  if (!range) return pattern === procedureCode;
  if (!/^\d{5}$/.test(procedureCode)) return false;
  const n = Number(procedureCode);
  return n >= Number(range[1]) && n <= Number(range[2]);
};

/** ICD-10-CM without its dot, for prefix comparison. */
export const undotted = (code: string): string => code.replace('.', '');

const parseSeverities = (value: unknown, errors: FieldError[]): Map<EditId, Severity | 'off'> => {
  const severities = new Map<EditId, Severity | 'off'>();
  if (value === undefined) return severities;
  if (!isRecord(value)) return errors.push({ field: 'edits', message: 'an object of edit id → error | warning | off' }), severities;
  for (const [id, severity] of Object.entries(value)) {
    if (!(EDIT_IDS as readonly string[]).includes(id)) errors.push({ field: `edits.${id}`, message: `unknown edit; known: ${EDIT_IDS.join(', ')}` });
    else if (severity !== 'error' && severity !== 'warning' && severity !== 'off') errors.push({ field: `edits.${id}`, message: 'error, warning or off' });
    else severities.set(id as EditId, severity);
  }
  return severities;
};

const stringList = (value: unknown, field: string, max: number, valid: (s: string) => boolean, what: string, errors: FieldError[]): string[] => {
  if (!Array.isArray(value) || value.length < 1 || value.length > max) {
    errors.push({ field, message: `a list of 1 to ${max} ${what}` });
    return [];
  }
  const out: string[] = [];
  value.forEach((item, i) => {
    if (typeof item === 'string' && valid(item)) out.push(item);
    else errors.push({ field: `${field}[${i}]`, message: `not ${what}: ${JSON.stringify(item)?.slice(0, 30)}` });
  });
  return out;
};

const parseSupport = (value: unknown, errors: FieldError[]): DiagnosisSupportRule[] => {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > SUPPORT_RULES_MAX) {
    errors.push({ field: 'diagnosisSupport', message: `a list of at most ${SUPPORT_RULES_MAX} {procedureCodes, diagnosisPrefixes}` });
    return [];
  }
  return value.map((rule, i) => {
    const at = `diagnosisSupport[${i}]`;
    if (!isRecord(rule)) return errors.push({ field: at, message: 'an object {procedureCodes, diagnosisPrefixes}' }), { procedureCodes: [], diagnosisPrefixes: [] };
    return {
      procedureCodes: stringList(rule['procedureCodes'], `${at}.procedureCodes`, PREFIXES_PER_RULE_MAX, isProcedurePattern, 'procedure codes or ranges like 93000-93010', errors),
      diagnosisPrefixes: stringList(rule['diagnosisPrefixes'], `${at}.diagnosisPrefixes`, PREFIXES_PER_RULE_MAX, (p) => PREFIX.test(p), 'ICD-10-CM prefixes (e.g. I, R07, R07.9)', errors).map(undotted),
    };
  });
};

const parseUnitsMax = (value: unknown, errors: FieldError[]): Map<string, number> => {
  const unitsMax = new Map<string, number>();
  if (value === undefined) return unitsMax;
  if (!isRecord(value) || Object.keys(value).length > UNITS_RULES_MAX) {
    errors.push({ field: 'unitsMax', message: `an object of procedure code → most units per date of service (at most ${UNITS_RULES_MAX})` });
    return unitsMax;
  }
  for (const [code, max] of Object.entries(value)) {
    if (!isProcedureCode(code)) errors.push({ field: `unitsMax.${code}`, message: 'not a CPT or HCPCS code' });
    else if (!wholeNumber(max, 1, UNITS_MAX_LIMIT)) errors.push({ field: `unitsMax.${code}`, message: `a whole number from 1 to ${UNITS_MAX_LIMIT}` });
    else unitsMax.set(code, max);
  }
  return unitsMax;
};

const parseTimelyFiling = (value: unknown, errors: FieldError[]): ScrubRules['timelyFiling'] => {
  const payers = new Map<string, number>();
  if (value === undefined) return { defaultDays: null, payers };
  if (!isRecord(value)) return errors.push({ field: 'timelyFilingDays', message: 'an object {default?, payers?}' }), { defaultDays: null, payers };
  let defaultDays: number | null = null;
  const fallback = value['default'];
  if (fallback !== undefined) {
    if (wholeNumber(fallback, 1, TIMELY_FILING_DAYS_MAX)) defaultDays = fallback;
    else errors.push({ field: 'timelyFilingDays.default', message: `days from 1 to ${TIMELY_FILING_DAYS_MAX}` });
  }
  const byPayer = value['payers'];
  if (byPayer !== undefined && !isRecord(byPayer)) errors.push({ field: 'timelyFilingDays.payers', message: 'an object of payer id → days' });
  for (const [payerId, days] of Object.entries(isRecord(byPayer) ? byPayer : {})) {
    if (wholeNumber(days, 1, TIMELY_FILING_DAYS_MAX)) payers.set(payerId, days);
    else errors.push({ field: `timelyFilingDays.payers.${payerId}`, message: `days from 1 to ${TIMELY_FILING_DAYS_MAX}` });
  }
  for (const key of Object.keys(value)) if (key !== 'default' && key !== 'payers') errors.push({ field: `timelyFilingDays.${key}`, message: 'unknown field' });
  return { defaultDays, payers };
};

/**
 * Reads a scrub rule file's JSON (docs/contracts-and-scrubbing.md). Every problem is reported at
 * once, with its path; an unknown key is a problem too, so a typo never silently disables a rule.
 */
export const parseScrubRules = (json: unknown, source: string): ScrubRules => {
  const errors: FieldError[] = [];
  if (!isRecord(json)) throw new InvalidInput(`${source}: a scrub rule file is a JSON object`, [{ field: '(file)', message: 'not an object' }]);
  for (const key of Object.keys(json)) if (!TOP_LEVEL.has(key)) errors.push({ field: key, message: `unknown field; known: ${[...TOP_LEVEL].join(', ')}` });
  const rules: ScrubRules = {
    source,
    severities: parseSeverities(json['edits'], errors),
    diagnosisSupport: parseSupport(json['diagnosisSupport'], errors),
    unitsMax: parseUnitsMax(json['unitsMax'], errors),
    timelyFiling: parseTimelyFiling(json['timelyFilingDays'], errors),
  };
  if (errors.length > 0) throw new InvalidInput(`${source}: the scrub rules are not valid`, errors);
  return rules;
};
