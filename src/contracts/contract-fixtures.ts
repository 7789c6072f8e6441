/**
 * Test support, imported only by specs: fee schedules with invented amounts (not any payer's
 * contract). Acme's 2026 schedule prices an office visit, an ECG, therapy units, a knee
 * replacement, an X-ray with its professional and technical components, and the usual modifiers.
 */
import type { ServiceLine } from '../encounters/encounter';
import type { FeeSchedule, FeeScheduleLoaded, FeeScheduleRow, ModifierRule } from './fee-schedule';

export const PAYER_ID = 'payer-acme';

export const ROWS: readonly FeeScheduleRow[] = [
  { procedureCode: '99213', allowedCents: 9_200, unitsPolicy: 'per_service' },
  { procedureCode: '93000', allowedCents: 1_700, unitsPolicy: 'per_service' },
  { procedureCode: '97110', allowedCents: 2_900, unitsPolicy: 'per_unit' },
  { procedureCode: '27447', allowedCents: 145_000, unitsPolicy: 'per_service' },
  { procedureCode: '73630', allowedCents: 3_300, unitsPolicy: 'per_service' },
  { procedureCode: '73630', modifier: '26', allowedCents: 1_100, unitsPolicy: 'per_service' },
];

/** 22 → +25%, 50 → 150%, 80 → 16%, 62 → 62.5%, and a fixed $10 cut for 52 (invented). */
export const MODIFIER_RULES: readonly ModifierRule[] = [
  { modifier: '22', kind: 'percent', basisPoints: 12_500 },
  { modifier: '50', kind: 'percent', basisPoints: 15_000 },
  { modifier: '80', kind: 'percent', basisPoints: 1_600 },
  { modifier: '62', kind: 'percent', basisPoints: 6_250 },
  { modifier: '52', kind: 'fixed', amountCents: -1_000 },
];

export const feeScheduleLoaded = (overrides: Partial<FeeScheduleLoaded['data']> = {}): FeeScheduleLoaded => ({
  type: 'FeeScheduleLoaded',
  data: {
    payerId: PAYER_ID,
    scheduleId: '2026-01-01',
    effectiveFrom: '2026-01-01',
    rows: ROWS.map((row) => ({ ...row })),
    modifierRules: MODIFIER_RULES.map((rule) => ({ ...rule })),
    loadedAt: '2025-12-15T09:00:00Z',
    ...overrides,
  },
});

export const schedule = (overrides: Partial<FeeSchedule> = {}): FeeSchedule => ({
  payerId: PAYER_ID,
  scheduleId: '2026-01-01',
  effectiveFrom: '2026-01-01',
  effectiveTo: null,
  rows: ROWS.map((row) => ({ ...row })),
  modifierRules: MODIFIER_RULES.map((rule) => ({ ...rule })),
  loadedAt: '2025-12-15T09:00:00Z',
  ...overrides,
});

export const line = (overrides: Partial<ServiceLine> = {}): ServiceLine => ({
  lineNumber: 1,
  procedureCode: '99213',
  modifiers: [],
  units: 1,
  chargeCents: 15_000,
  diagnosisPointers: [1],
  ...overrides,
});
