/**
 * Claim adjustment group codes: who bears an adjustment. CO contractual obligation, PR patient
 * responsibility, OA other adjustment, PI payer initiated, CR correction and reversal.
 */
export const ADJUSTMENT_GROUPS = ['CO', 'PR', 'OA', 'PI', 'CR'] as const;

/** One of the claim adjustment group codes in {@link ADJUSTMENT_GROUPS}. */
export type AdjustmentGroup = (typeof ADJUSTMENT_GROUPS)[number];

/** Whether `code` is a claim adjustment group code (`CO`, `PR`, `OA`, `PI`, `CR`). */
export const isAdjustmentGroup = (code: string): code is AdjustmentGroup =>
  (ADJUSTMENT_GROUPS as readonly string[]).includes(code);
