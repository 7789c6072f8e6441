import { InvalidInput } from './errors';

/** Money is integer cents end to end: a safe integer, never a float. */
export type Cents = number;

export const isCents = (value: unknown): value is Cents => typeof value === 'number' && Number.isSafeInteger(value);

export const sumCents = (values: Iterable<Cents>): Cents => {
  let total = 0;
  for (const value of values) total += value;
  // Each amount is checked at the edge; only their sum can still leave the safe range.
  if (!Number.isSafeInteger(total)) throw new InvalidInput('amounts add up to more than the ledger can represent exactly');
  return total;
};
