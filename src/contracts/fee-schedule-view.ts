import type { FeeSchedule, FeeScheduleRow } from './fee-schedule';
import { formatModifierRule } from './modifier-adjustment';

/** A schedule as the API lists it (without its rows). */
export interface FeeScheduleSummary {
  payerId: string;
  scheduleId: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  loadedAt: string;
  rowCount: number;
  /** Each modifier's change in the syntax it was loaded with (`150%`, `+1500`). */
  modifierRules: Array<{ modifier: string; change: string }>;
}

export interface FeeScheduleView extends FeeScheduleSummary {
  rows: FeeScheduleRow[];
}

export const toFeeScheduleSummary = (schedule: FeeSchedule): FeeScheduleSummary => ({
  payerId: schedule.payerId,
  scheduleId: schedule.scheduleId,
  effectiveFrom: schedule.effectiveFrom,
  effectiveTo: schedule.effectiveTo,
  loadedAt: schedule.loadedAt,
  rowCount: schedule.rows.length,
  modifierRules: schedule.modifierRules.map((rule) => ({ modifier: rule.modifier, change: formatModifierRule(rule) })),
});

export const toFeeScheduleView = (schedule: FeeSchedule): FeeScheduleView => ({ ...toFeeScheduleSummary(schedule), rows: schedule.rows });
