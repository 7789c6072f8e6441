import type { ModifierRule } from './fee-schedule';

/** 100% in basis points. */
export const BASIS_POINTS_WHOLE = 10_000;
/** A modifier may take a line to at most 1000% of its amount; anything larger is a typo. */
export const BASIS_POINTS_MAX = 100_000;
/** A fixed modifier change is at most ±$1,000,000.00. */
export const FIXED_CHANGE_CENTS_MAX = 100_000_000;

const PERCENT = /^([+-])?(\d{1,4})(?:\.(\d{1,2}))?%$/;
const FIXED = /^([+-])(\d{1,12})$/;

/**
 * Reads a modifier's change as contracts state it, in the one syntax the CSV and the API share:
 * `150%` (of the amount), `+25%` / `-50%` (a change of the amount: 125%, 50%), `+1500` / `-1500`
 * (a fixed change in cents; the sign is required so a bare number is never ambiguous).
 * Percentages take up to two decimals and are kept as integer basis points: no floats.
 */
export const parseModifierAdjustment = (modifier: string, text: string): ModifierRule | string => {
  const value = text.trim();
  const percent = PERCENT.exec(value);
  if (percent) {
    const [, sign, whole, fraction = ''] = percent;
    const points = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
    const basisPoints = sign === '+' ? BASIS_POINTS_WHOLE + points : sign === '-' ? BASIS_POINTS_WHOLE - points : points;
    if (basisPoints < 0) return `${value} would take the amount below zero`;
    if (basisPoints > BASIS_POINTS_MAX) return `${value} is more than ${BASIS_POINTS_MAX / 100}% of the amount`;
    return { modifier, kind: 'percent', basisPoints };
  }
  const fixed = FIXED.exec(value);
  if (fixed) {
    const amountCents = Number(fixed[2]) * (fixed[1] === '-' ? -1 : 1);
    if (Math.abs(amountCents) > FIXED_CHANGE_CENTS_MAX) return `${value} cents is more than ${FIXED_CHANGE_CENTS_MAX} cents`;
    return { modifier, kind: 'fixed', amountCents };
  }
  return `"${value.slice(0, 20)}" is not a change: write 150% (of the amount), +25% or -50% (a change), or +1500 / -1500 (cents)`;
};

/** Basis points as a percentage without floats: 12500 → "125%", 625 → "6.25%". */
export const formatBasisPoints = (basisPoints: number): string => {
  const whole = Math.trunc(basisPoints / 100);
  const fraction = basisPoints % 100;
  return fraction === 0 ? `${whole}%` : `${whole}.${String(fraction).padStart(2, '0').replace(/0$/, '')}%`;
};

/** The rule as the CSV and the API write it (the inverse of parseModifierAdjustment, percentages as "% of"). */
export const formatModifierRule = (rule: ModifierRule): string =>
  rule.kind === 'percent' ? formatBasisPoints(rule.basisPoints) : `${rule.amountCents < 0 ? '-' : '+'}${Math.abs(rule.amountCents)}`;
