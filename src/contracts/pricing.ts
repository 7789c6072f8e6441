import { InvalidInput } from '../common/errors';
import { sumCents, type Cents } from '../common/money';
import type { ServiceLine } from '../encounters/encounter';
import { scheduleInForce, type FeeSchedule, type FeeScheduleRow, type ModifierRule } from './fee-schedule';
import { BASIS_POINTS_WHOLE, formatModifierRule } from './modifier-adjustment';

/** What the contract says the payer should allow for one claim line; null when the schedule has no row for its code. */
export interface ExpectedLine {
  lineNumber: number;
  expectedAllowedCents: Cents | null;
  /** How the amount was reached, for a biller or an auditor: row, units, each modifier applied. */
  basis: string;
}

/**
 * The expected payment of one submission, fixed as data when the claim went out: the schedule in
 * force on the date of service and each line's expected allowed amount. Loading a later schedule
 * never changes it; replaying the claim gives the same answer.
 */
export interface ExpectedPayment {
  scheduleId: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  /** Σ of the priced lines (a line not on the schedule adds nothing). */
  expectedAllowedCents: Cents;
  lines: ExpectedLine[];
}

const rowKey = (procedureCode: string, modifier: string | undefined): string => `${procedureCode}|${modifier ?? ''}`;

// Built once per schedule object (schedules are immutable once loaded), so pricing a line is a lookup.
const rowIndexes = new WeakMap<FeeSchedule, ReadonlyMap<string, FeeScheduleRow>>();
const ruleIndexes = new WeakMap<FeeSchedule, ReadonlyMap<string, ModifierRule>>();

const rowsOf = (schedule: FeeSchedule): ReadonlyMap<string, FeeScheduleRow> => {
  let index = rowIndexes.get(schedule);
  if (!index) rowIndexes.set(schedule, (index = new Map(schedule.rows.map((row) => [rowKey(row.procedureCode, row.modifier), row]))));
  return index;
};

const rulesOf = (schedule: FeeSchedule): ReadonlyMap<string, ModifierRule> => {
  let index = ruleIndexes.get(schedule);
  if (!index) ruleIndexes.set(schedule, (index = new Map(schedule.modifierRules.map((rule) => [rule.modifier, rule]))));
  return index;
};

/** amount × basisPoints / 10000, rounded half up to the cent; BigInt so no product ever leaves the exact range. */
export const applyBasisPoints = (amountCents: Cents, basisPoints: number): Cents =>
  Number((BigInt(amountCents) * BigInt(basisPoints) + BigInt(BASIS_POINTS_WHOLE / 2)) / BigInt(BASIS_POINTS_WHOLE));

/** One modifier's change; a fixed cut never takes the amount below zero. */
export const applyModifierRule = (amountCents: Cents, rule: ModifierRule): Cents =>
  rule.kind === 'percent' ? applyBasisPoints(amountCents, rule.basisPoints) : Math.max(0, amountCents + rule.amountCents);

/**
 * Prices one line against one schedule:
 * 1. the row: the first of the line's modifiers that has a row of its own for the code (e.g.
 *    73630-26), else the code's plain row; no row → not priced;
 * 2. × units when the row is `per_unit`, once when `per_service`;
 * 3. every other modifier on the line with a rule, in the line's order, each on the amount so far
 *    (rounded half up to the cent at each step).
 */
export const priceLine = (line: ServiceLine, schedule: FeeSchedule): ExpectedLine => {
  const rows = rowsOf(schedule);
  const ownRow = line.modifiers.find((modifier) => rows.has(rowKey(line.procedureCode, modifier)));
  const row = rows.get(rowKey(line.procedureCode, ownRow)) ?? rows.get(rowKey(line.procedureCode, undefined));
  if (!row) {
    return { lineNumber: line.lineNumber, expectedAllowedCents: null, basis: `${line.procedureCode} is not on fee schedule ${schedule.scheduleId}` };
  }
  const units = row.unitsPolicy === 'per_unit' ? line.units : 1;
  let amountCents = row.allowedCents * units;
  if (!Number.isSafeInteger(amountCents)) throw new InvalidInput(`line ${line.lineNumber}: ${units} units price beyond what the ledger represents exactly`);
  const steps = [`${row.procedureCode}${row.modifier ? `-${row.modifier}` : ''} ${row.allowedCents} × ${units} (${row.unitsPolicy})`];
  const rules = rulesOf(schedule);
  for (const modifier of line.modifiers) {
    if (modifier === row.modifier) continue;
    const rule = rules.get(modifier);
    if (!rule) continue;
    amountCents = applyModifierRule(amountCents, rule);
    steps.push(`${modifier} ${formatModifierRule(rule)} → ${amountCents}`);
  }
  return { lineNumber: line.lineNumber, expectedAllowedCents: amountCents, basis: steps.join('; ') };
};

/** The expected payment of a claim going out, from the schedule in force on its date of service; null when none is. */
export const priceClaim = (
  lines: readonly ServiceLine[],
  schedules: readonly FeeSchedule[],
  dateOfService: string,
): ExpectedPayment | null => {
  const schedule = scheduleInForce(schedules, dateOfService);
  if (schedule === null) return null;
  const priced = lines.map((line) => priceLine(line, schedule));
  return {
    scheduleId: schedule.scheduleId,
    effectiveFrom: schedule.effectiveFrom,
    effectiveTo: schedule.effectiveTo,
    expectedAllowedCents: sumCents(priced.map((line) => line.expectedAllowedCents ?? 0)),
    lines: priced,
  };
};

/** The expected allowed amount of one line of an expected payment (null: unpriced, or no such line). */
export const expectedAllowedOf = (expected: ExpectedPayment | undefined, lineNumber: number): Cents | null =>
  expected?.lines.find((line) => line.lineNumber === lineNumber)?.expectedAllowedCents ?? null;
