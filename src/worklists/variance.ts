import type { RemittanceLine } from '../claims/claim';
import type { Cents } from '../common/money';
import { expectedAllowedOf, type ExpectedPayment } from '../contracts/pricing';

/**
 * One remitted line against its contract. What the payer allowed is what it paid plus what it
 * put on the patient (PR: deductible, coinsurance, copay); the rest of the charge was adjusted
 * away. variance = allowed − expected: negative is an underpayment, positive an overpayment.
 */
export interface LineVariance {
  lineNumber: number;
  expectedAllowedCents: Cents;
  paidCents: Cents;
  patientResponsibilityCents: Cents;
  payerAllowedCents: Cents;
  varianceCents: Cents;
}

/** The variance of every remitted line that was priced; lines without a contract amount have none. */
export const lineVariances = (expected: ExpectedPayment, lines: readonly RemittanceLine[]): LineVariance[] =>
  lines.flatMap((line) => {
    const expectedAllowedCents = expectedAllowedOf(expected, line.lineNumber);
    if (expectedAllowedCents === null) return [];
    const patientResponsibilityCents = line.adjustments.filter((a) => a.group === 'PR').reduce((sum, a) => sum + a.amountCents, 0);
    const payerAllowedCents = line.paidCents + patientResponsibilityCents;
    return [
      {
        lineNumber: line.lineNumber,
        expectedAllowedCents,
        paidCents: line.paidCents,
        patientResponsibilityCents,
        payerAllowedCents,
        varianceCents: payerAllowedCents - expectedAllowedCents,
      },
    ];
  });

/** Paid below contract by more than the tolerance: worth a biller's time to chase. */
export const isUnderpaid = (variance: Pick<LineVariance, 'varianceCents'>, toleranceCents: Cents): boolean => -variance.varianceCents > toleranceCents;
