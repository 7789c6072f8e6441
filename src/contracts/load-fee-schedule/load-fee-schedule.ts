import { validateCode } from '../../codes';
import { isIsoDate } from '../../common/dates';
import { DuplicateId, InvalidInput } from '../../common/errors';
import { UNITS_POLICIES, type FeeScheduleLoaded, type FeeScheduleRow, type FeeSchedules, type ModifierRule } from '../fee-schedule';
import { BASIS_POINTS_MAX, FIXED_CHANGE_CENTS_MAX } from '../modifier-adjustment';

/** Rows in one schedule: a full physician fee schedule for one locality is ~10,000 codes. */
export const FEE_SCHEDULE_ROWS_MAX = 20_000;
export const MODIFIER_RULES_MAX = 100;
/** $10,000,000.00 per unit: with 9,999 units and a 1000% modifier, 50 lines still sum exactly. */
export const ALLOWED_CENTS_MAX = 1_000_000_000;
const SCHEDULE_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface LoadFeeSchedule {
  payerId: string;
  /** Absent: the effective date, with `.2`, `.3`… when that id is taken. */
  scheduleId?: string;
  effectiveFrom: string;
  effectiveTo?: string;
  rows: FeeScheduleRow[];
  modifierRules: ModifierRule[];
  sourceName?: string;
  loadedAt: string;
}

type FieldError = { field: string; message: string };

const rowErrors = (rows: readonly FeeScheduleRow[]): FieldError[] => {
  const errors: FieldError[] = [];
  if (rows.length < 1 || rows.length > FEE_SCHEDULE_ROWS_MAX) errors.push({ field: 'rows', message: `between 1 and ${FEE_SCHEDULE_ROWS_MAX} rows` });
  const seen = new Map<string, number>();
  rows.forEach((row, i) => {
    const at = `rows[${i}]`;
    const code = validateCode('procedure', row.procedureCode);
    if (code !== null) errors.push({ field: `${at}.procedureCode`, message: code });
    if (row.modifier !== undefined) {
      const modifier = validateCode('modifier', row.modifier);
      if (modifier !== null) errors.push({ field: `${at}.modifier`, message: modifier });
    }
    if (!Number.isSafeInteger(row.allowedCents) || row.allowedCents < 0 || row.allowedCents > ALLOWED_CENTS_MAX) {
      errors.push({ field: `${at}.allowedCents`, message: `integer cents from 0 to ${ALLOWED_CENTS_MAX}` });
    }
    if (!UNITS_POLICIES.includes(row.unitsPolicy)) errors.push({ field: `${at}.unitsPolicy`, message: `one of ${UNITS_POLICIES.join(', ')}` });
    // Two amounts for the same code and modifier would make the expected payment depend on row order.
    const key = `${row.procedureCode}|${row.modifier ?? ''}`;
    const first = seen.get(key);
    if (first !== undefined) errors.push({ field: at, message: `${row.procedureCode}${row.modifier ? `-${row.modifier}` : ''} is already priced by rows[${first}]` });
    else seen.set(key, i);
  });
  return errors;
};

const modifierRuleErrors = (rules: readonly ModifierRule[]): FieldError[] => {
  const errors: FieldError[] = [];
  if (rules.length > MODIFIER_RULES_MAX) errors.push({ field: 'modifierRules', message: `at most ${MODIFIER_RULES_MAX} rules` });
  const seen = new Set<string>();
  rules.forEach((rule, i) => {
    const at = `modifierRules[${i}]`;
    const modifier = validateCode('modifier', rule.modifier);
    if (modifier !== null) errors.push({ field: `${at}.modifier`, message: modifier });
    if (seen.has(rule.modifier)) errors.push({ field: `${at}.modifier`, message: `modifier ${rule.modifier} already has a rule` });
    seen.add(rule.modifier);
    if (rule.kind === 'percent' && !(Number.isSafeInteger(rule.basisPoints) && rule.basisPoints >= 0 && rule.basisPoints <= BASIS_POINTS_MAX)) {
      errors.push({ field: `${at}.basisPoints`, message: `whole basis points from 0 to ${BASIS_POINTS_MAX}` });
    }
    if (rule.kind === 'fixed' && !(Number.isSafeInteger(rule.amountCents) && Math.abs(rule.amountCents) <= FIXED_CHANGE_CENTS_MAX)) {
      errors.push({ field: `${at}.amountCents`, message: `integer cents within ±${FIXED_CHANGE_CENTS_MAX}` });
    }
  });
  return errors;
};

const defaultScheduleId = (effectiveFrom: string, state: FeeSchedules): string => {
  const taken = new Set(state.schedules.map((s) => s.scheduleId));
  if (!taken.has(effectiveFrom)) return effectiveFrom;
  let n = 2;
  while (taken.has(`${effectiveFrom}.${n}`)) n++;
  return `${effectiveFrom}.${n}`;
};

/**
 * A payer's fee schedule is loaded as one event. A schedule may overlap earlier ones (an amended
 * schedule for the same period): the one in force on a date is chosen when a claim is priced
 * (scheduleInForce), and claims already priced keep what they were priced at.
 */
export const loadFeeSchedule = (command: LoadFeeSchedule, state: FeeSchedules): FeeScheduleLoaded[] => {
  const errors: FieldError[] = [];
  if (!isIsoDate(command.effectiveFrom)) errors.push({ field: 'effectiveFrom', message: 'a calendar date YYYY-MM-DD' });
  if (command.effectiveTo !== undefined) {
    if (!isIsoDate(command.effectiveTo)) errors.push({ field: 'effectiveTo', message: 'a calendar date YYYY-MM-DD' });
    else if (command.effectiveTo < command.effectiveFrom) errors.push({ field: 'effectiveTo', message: 'on or after effectiveFrom' });
  }
  if (command.scheduleId !== undefined && !SCHEDULE_ID.test(command.scheduleId)) {
    errors.push({ field: 'scheduleId', message: '1 to 64 letters, digits, dots, dashes or underscores' });
  }
  errors.push(...rowErrors(command.rows), ...modifierRuleErrors(command.modifierRules));
  if (errors.length > 0) throw new InvalidInput('the fee schedule is not valid', errors);
  if (command.scheduleId !== undefined && state.schedules.some((s) => s.scheduleId === command.scheduleId)) {
    throw new DuplicateId('FEE_SCHEDULE_EXISTS', `payer ${command.payerId} already has fee schedule ${command.scheduleId}`);
  }
  return [
    {
      type: 'FeeScheduleLoaded',
      data: {
        payerId: command.payerId,
        scheduleId: command.scheduleId ?? defaultScheduleId(command.effectiveFrom, state),
        effectiveFrom: command.effectiveFrom,
        ...(command.effectiveTo !== undefined && { effectiveTo: command.effectiveTo }),
        rows: command.rows.map((row) => ({ ...row })),
        modifierRules: command.modifierRules.map((rule) => ({ ...rule })),
        ...(command.sourceName !== undefined && { sourceName: command.sourceName }),
        loadedAt: command.loadedAt,
      },
    },
  ];
};
