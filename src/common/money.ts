/** Money is integer cents end to end: a safe integer, never a float. */
export type Cents = number;

export const isCents = (value: unknown): value is Cents => typeof value === 'number' && Number.isSafeInteger(value);

export const sumCents = (values: Iterable<Cents>): Cents => {
  let total = 0;
  for (const value of values) total += value;
  if (!Number.isSafeInteger(total)) throw new RangeError(`sum of cents left the safe-integer range: ${total}`);
  return total;
};
