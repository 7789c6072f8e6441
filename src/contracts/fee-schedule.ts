import type { Event } from '../common/event';
import type { Cents } from '../common/money';

/**
 * How a row's allowed amount meets the line's units: `per_unit` multiplies (a timed therapy code
 * billed in 15-minute units), `per_service` pays the amount once whatever the units (a visit).
 */
export type UnitsPolicy = 'per_unit' | 'per_service';
export const UNITS_POLICIES: readonly UnitsPolicy[] = ['per_unit', 'per_service'];

/** What the payer agreed to allow for one procedure code (with one modifier, when the row names it). */
export interface FeeScheduleRow {
  procedureCode: string;
  /** A row for a code with this modifier (e.g. 26, the professional component) prices such lines instead of the plain row. */
  modifier?: string;
  allowedCents: Cents;
  unitsPolicy: UnitsPolicy;
}

/**
 * How a modifier changes the allowed amount of any line that carries it: a percentage of the
 * amount so far (`basisPoints`: 15000 = 150% for a bilateral 50, 12500 = +25% for an unusual 22,
 * 1600 = 16% for an assistant surgeon's 80), or a fixed change in cents (+/−).
 */
export type ModifierRule =
  | { modifier: string; kind: 'percent'; basisPoints: number }
  | { modifier: string; kind: 'fixed'; amountCents: Cents };

/** A payer's fee schedule went into the ledger: its rows and modifier rules, in force from `effectiveFrom` to `effectiveTo` (inclusive; open-ended without it). */
export type FeeScheduleLoaded = Event<
  'FeeScheduleLoaded',
  {
    payerId: string;
    scheduleId: string;
    effectiveFrom: string;
    effectiveTo?: string;
    rows: FeeScheduleRow[];
    modifierRules: ModifierRule[];
    /** The file it was read from (the CLI), for the audit trail. */
    sourceName?: string;
    loadedAt: string;
  }
>;

export type FeeScheduleEvent = FeeScheduleLoaded;

/** One loaded schedule. Schedules are never edited: a correction is a new schedule for the same period. */
export interface FeeSchedule {
  payerId: string;
  scheduleId: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  rows: FeeScheduleRow[];
  modifierRules: ModifierRule[];
  loadedAt: string;
}

/** Every schedule loaded for one payer, in the order they were loaded. */
export interface FeeSchedules {
  schedules: FeeSchedule[];
}

export const initialFeeSchedules: FeeSchedules = { schedules: [] };

export const feeScheduleStreamId = (payerId: string): string => `fee-schedule-${payerId}`;

export const evolveFeeSchedules = (state: FeeSchedules, event: FeeScheduleEvent): FeeSchedules => {
  switch (event.type) {
    case 'FeeScheduleLoaded': {
      const data = event.data;
      return {
        schedules: [
          ...state.schedules,
          {
            payerId: data.payerId,
            scheduleId: data.scheduleId,
            effectiveFrom: data.effectiveFrom,
            effectiveTo: data.effectiveTo ?? null,
            rows: data.rows,
            modifierRules: data.modifierRules,
            loadedAt: data.loadedAt,
          },
        ],
      };
    }
    default: {
      const unknown: never = event.type;
      return unknown;
    }
  }
};

export const coversDate = (schedule: FeeSchedule, dateOfService: string): boolean =>
  schedule.effectiveFrom <= dateOfService && (schedule.effectiveTo === null || dateOfService <= schedule.effectiveTo);

/**
 * The schedule in force on a date of service: of those whose range covers it, the one that took
 * effect last; between two that took effect the same day, the one loaded last (a replacement).
 * ISO dates compare as strings.
 */
export const scheduleInForce = (schedules: readonly FeeSchedule[], dateOfService: string): FeeSchedule | null => {
  let chosen: FeeSchedule | null = null;
  for (const schedule of schedules) {
    if (!coversDate(schedule, dateOfService)) continue;
    if (chosen === null || schedule.effectiveFrom >= chosen.effectiveFrom) chosen = schedule;
  }
  return chosen;
};
