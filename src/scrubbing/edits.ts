import type { ExpectedPayment } from '../contracts/pricing';
import type { ServiceLine } from '../encounters/encounter';
import { matchesProcedure, undotted, type EditId, type ScrubRules, type Severity } from './scrub-rules';

/** A claim as the scrubber sees it, before it goes out (a submission, a resubmission, or a what-if). */
export interface ScrubClaim {
  payerId: string;
  memberId: string | undefined;
  dateOfService: string;
  diagnoses: readonly string[];
  lines: readonly ServiceLine[];
  /** The business date the claim goes out (YYYY-MM-DD): what "future" and "timely" are measured from. */
  submittedOn: string;
}

/** One failed edit, in words a biller acts on. */
export interface ScrubFinding {
  editId: EditId;
  severity: Severity;
  message: string;
  /** The lines it concerns; absent for a claim-level edit. */
  lineNumbers?: number[];
}

type Hit = { message: string; lineNumbers?: number[] };

export interface EditDefinition {
  id: EditId;
  severity: Severity;
  /** Runs with no rule file: it only checks the claim's own structure. */
  builtIn: boolean;
  /** What the edit checks, for docs and the verdict. */
  summary: string;
  check(claim: ScrubClaim, rules: ScrubRules, expected: ExpectedPayment | null): Hit[];
}

/** E/M visit codes (evaluation and management), the only home of modifier 25. */
export const EM_CODE_FIRST = 99202;
export const EM_CODE_LAST = 99499;
export const isEvaluationAndManagement = (procedureCode: string): boolean =>
  /^\d{5}$/.test(procedureCode) && Number(procedureCode) >= EM_CODE_FIRST && Number(procedureCode) <= EM_CODE_LAST;

/** Modifiers saying "distinct from another procedure that day": 59 and its X{EPSU} subsets. */
export const DISTINCT_PROCEDURE_MODIFIERS: readonly string[] = ['59', 'XE', 'XS', 'XP', 'XU'];

/** Prefixes named in a message before "…", so it stays readable. */
const MESSAGE_LIST_MAX = 6;
const DAY_MS = 86_400_000;

const listed = (items: readonly string[]): string =>
  items.length <= MESSAGE_LIST_MAX ? items.join(', ') : `${items.slice(0, MESSAGE_LIST_MAX).join(', ')}, …`;
const linesWord = (numbers: readonly number[]): string =>
  numbers.length === 1 ? `line ${numbers[0]}` : `lines ${numbers.slice(0, -1).join(', ')} and ${numbers[numbers.length - 1]}`;
const modifiersWord = (modifiers: readonly string[]): string => (modifiers.length === 0 ? 'no modifiers' : `modifiers ${modifiers.join(', ')}`);
export const daysBetween = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

const pointerMissing: EditDefinition = {
  id: 'DIAGNOSIS_POINTER_MISSING',
  severity: 'error',
  builtIn: true,
  summary: 'every line points at a diagnosis',
  check: (claim) =>
    claim.lines
      .filter((line) => line.diagnosisPointers.length === 0)
      .map((line) => ({
        message: `Line ${line.lineNumber} (${line.procedureCode}) points at no diagnosis: every line needs at least one diagnosis pointer saying why the service was done.`,
        lineNumbers: [line.lineNumber],
      })),
};

const pointerInvalid: EditDefinition = {
  id: 'DIAGNOSIS_POINTER_INVALID',
  severity: 'error',
  builtIn: true,
  summary: 'diagnosis pointers name diagnoses the claim carries',
  check: (claim) =>
    claim.lines.flatMap((line) => {
      const bad = line.diagnosisPointers.filter((p) => !Number.isSafeInteger(p) || p < 1 || p > claim.diagnoses.length);
      return bad.length === 0
        ? []
        : [
            {
              message: `Line ${line.lineNumber} (${line.procedureCode}) points at diagnosis ${bad.join(', ')}, but the claim lists only ${claim.diagnoses.length} diagnos${claim.diagnoses.length === 1 ? 'is' : 'es'}.`,
              lineNumbers: [line.lineNumber],
            },
          ];
    }),
};

const memberIdMissing: EditDefinition = {
  id: 'MEMBER_ID_MISSING',
  severity: 'error',
  builtIn: true,
  summary: 'the member id is present',
  check: (claim) =>
    claim.memberId === undefined || claim.memberId.trim() === ''
      ? [{ message: "The member id is missing: copy it from the patient's insurance card; the payer cannot find the patient without it." }]
      : [],
};

const duplicateLine: EditDefinition = {
  id: 'DUPLICATE_LINE',
  severity: 'error',
  builtIn: false,
  summary: 'no two lines bill the same code with the same modifiers',
  check: (claim) => {
    const groups = new Map<string, ServiceLine[]>();
    for (const line of claim.lines) {
      const key = `${line.procedureCode}|${[...line.modifiers].sort().join(',')}`;
      groups.set(key, [...(groups.get(key) ?? []), line]);
    }
    return [...groups.values()]
      .filter((lines) => lines.length > 1)
      .map((lines) => {
        const first = lines[0] as ServiceLine;
        const numbers = lines.map((l) => l.lineNumber);
        return {
          message: `${linesWord(numbers).replace(/^l/, 'L')} bill ${first.procedureCode} with ${modifiersWord(first.modifiers)} on the same date of service: the payer will deny the repeat as a duplicate. Combine them into one line with more units, or add a repeat modifier (76, 77, 91) if the service was really done again.`,
          lineNumbers: numbers,
        };
      });
  },
};

const modifier25NotEm: EditDefinition = {
  id: 'MODIFIER_25_NOT_EM',
  severity: 'error',
  builtIn: false,
  summary: `modifier 25 only on an E/M code ${EM_CODE_FIRST}–${EM_CODE_LAST}`,
  check: (claim) =>
    claim.lines
      .filter((line) => line.modifiers.includes('25') && !isEvaluationAndManagement(line.procedureCode))
      .map((line) => ({
        message: `Line ${line.lineNumber}: modifier 25 goes only on an E/M visit code (${EM_CODE_FIRST}–${EM_CODE_LAST}), and ${line.procedureCode} is not one. Remove 25 from this line; if the visit was separate from this service, put 25 on the visit line.`,
        lineNumbers: [line.lineNumber],
      })),
};

const modifier59WithEmOnly: EditDefinition = {
  id: 'MODIFIER_59_WITH_EM_ONLY',
  severity: 'error',
  builtIn: false,
  summary: '59/XE/XS/XP/XU not on an E/M code, nor beside E/M visits alone',
  check: (claim) =>
    claim.lines.flatMap((line) => {
      const distinct = line.modifiers.find((m) => DISTINCT_PROCEDURE_MODIFIERS.includes(m));
      if (distinct === undefined) return [];
      if (isEvaluationAndManagement(line.procedureCode)) {
        return [
          {
            message: `Line ${line.lineNumber}: modifier ${distinct} does not go on an E/M visit (${line.procedureCode}). To show the visit was separate from a procedure the same day, use modifier 25 instead.`,
            lineNumbers: [line.lineNumber],
          },
        ];
      }
      const others = claim.lines.filter((other) => other !== line);
      if (others.length === 0 || !others.every((other) => isEvaluationAndManagement(other.procedureCode))) return [];
      return [
        {
          message: `Line ${line.lineNumber}: modifier ${distinct} marks ${line.procedureCode} as distinct from another procedure, but the only other services on this claim are E/M visits (${linesWord(others.map((o) => o.lineNumber))}). Remove ${distinct}; if the visit was separate, put modifier 25 on the visit line.`,
          lineNumbers: [line.lineNumber],
        },
      ];
    }),
};

const diagnosisNotSupported: EditDefinition = {
  id: 'DIAGNOSIS_NOT_SUPPORTED',
  severity: 'error',
  builtIn: false,
  summary: "the line's diagnoses support its procedure under the configured support lists",
  check: (claim, rules) =>
    claim.lines.flatMap((line) => {
      const applicable = rules.diagnosisSupport.filter((rule) => rule.procedureCodes.some((p) => matchesProcedure(p, line.procedureCode)));
      if (applicable.length === 0) return [];
      const pointed = line.diagnosisPointers.map((p) => claim.diagnoses[p - 1]).filter((d): d is string => d !== undefined);
      // No valid pointer: the pointer edits say so; there is nothing to judge here.
      if (pointed.length === 0) return [];
      const prefixes = [...new Set(applicable.flatMap((rule) => rule.diagnosisPrefixes))];
      if (pointed.some((code) => prefixes.some((prefix) => undotted(code).startsWith(prefix)))) return [];
      return [
        {
          message: `Line ${line.lineNumber}: ${line.procedureCode} is not supported by the diagnoses it points to (${pointed.join(', ')}); the configured policy covers it for ${listed(prefixes.map((p) => `${p}…`))}. Point the line at a diagnosis that supports it, or check the coding.`,
          lineNumbers: [line.lineNumber],
        },
      ];
    }),
};

const unitsExceedMaximum: EditDefinition = {
  id: 'UNITS_EXCEED_MAXIMUM',
  severity: 'error',
  builtIn: false,
  summary: 'units per code per date of service within the configured maximum',
  check: (claim, rules) => {
    const byCode = new Map<string, ServiceLine[]>();
    for (const line of claim.lines) byCode.set(line.procedureCode, [...(byCode.get(line.procedureCode) ?? []), line]);
    return [...byCode.entries()].flatMap(([code, lines]) => {
      const max = rules.unitsMax.get(code);
      const units = lines.reduce((sum, line) => sum + line.units, 0);
      if (max === undefined || units <= max) return [];
      const numbers = lines.map((l) => l.lineNumber);
      return [
        {
          message: `${code} is billed for ${units} units (${linesWord(numbers)}); at most ${max} ${max === 1 ? 'unit is' : 'units are'} payable per date of service. Reduce the units, or check the documentation before sending.`,
          lineNumbers: numbers,
        },
      ];
    });
  },
};

const dateOfServiceInFuture: EditDefinition = {
  id: 'DATE_OF_SERVICE_IN_FUTURE',
  severity: 'error',
  builtIn: false,
  summary: 'the date of service is not after the submission date',
  check: (claim) =>
    claim.dateOfService > claim.submittedOn
      ? [{ message: `The date of service ${claim.dateOfService} is after the submission date ${claim.submittedOn}: a claim can only be sent for a service already given. Check the date.` }]
      : [],
};

const timelyFilingExceeded: EditDefinition = {
  id: 'TIMELY_FILING_EXCEEDED',
  severity: 'error',
  builtIn: false,
  summary: "the claim goes out within the payer's timely-filing limit",
  check: (claim, rules) => {
    const limit = rules.timelyFiling.payers.get(claim.payerId) ?? rules.timelyFiling.defaultDays;
    if (limit === null) return [];
    const days = daysBetween(claim.dateOfService, claim.submittedOn);
    return days > limit
      ? [
          {
            message: `The claim goes out ${days} days after the date of service ${claim.dateOfService}; ${claim.payerId} accepts claims only within ${limit} days, so it will be denied for timely filing. Send it only with proof of timely filing (an earlier submission or rejection).`,
          },
        ]
      : [];
  },
};

const lineNotOnFeeSchedule: EditDefinition = {
  id: 'LINE_NOT_ON_FEE_SCHEDULE',
  severity: 'warning',
  builtIn: false,
  summary: "every line's code is on the payer's fee schedule in force",
  check: (claim, _rules, expected) =>
    expected === null
      ? []
      : expected.lines
          .filter((line) => line.expectedAllowedCents === null)
          .map((line) => {
            const code = claim.lines.find((l) => l.lineNumber === line.lineNumber)?.procedureCode ?? '';
            return {
              message: `Line ${line.lineNumber}: ${code} is not on ${claim.payerId}'s fee schedule ${expected.scheduleId}, so there is no contract amount to check its payment against.`,
              lineNumbers: [line.lineNumber],
            };
          }),
};

/** Every edit, in the order findings are reported. */
export const EDITS: readonly EditDefinition[] = [
  memberIdMissing,
  pointerMissing,
  pointerInvalid,
  dateOfServiceInFuture,
  timelyFilingExceeded,
  duplicateLine,
  modifier25NotEm,
  modifier59WithEmOnly,
  diagnosisNotSupported,
  unitsExceedMaximum,
  lineNotOnFeeSchedule,
];

/** The severity an edit runs at under these rules, or null when it does not run. */
export const severityOf = (edit: EditDefinition, rules: ScrubRules): Severity | null => {
  if (rules.source === null && !edit.builtIn) return null;
  const configured = rules.severities.get(edit.id);
  if (configured === 'off') return null;
  return configured ?? edit.severity;
};

/**
 * Runs every edit the rules enable and returns what failed, errors and warnings alike. Pure:
 * the claim, the rules and its expected payment (for the fee schedule edit) come in as data.
 */
export const scrubClaim = (claim: ScrubClaim, rules: ScrubRules, expected: ExpectedPayment | null = null): ScrubFinding[] =>
  EDITS.flatMap((edit) => {
    const severity = severityOf(edit, rules);
    if (severity === null) return [];
    return edit.check(claim, rules, expected).map((hit) => ({
      editId: edit.id,
      severity,
      message: hit.message,
      ...(hit.lineNumbers !== undefined && { lineNumbers: hit.lineNumbers }),
    }));
  });
