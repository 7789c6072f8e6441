import type { Cents } from '../common/money';
import { statement, type ReadDatabase } from '../projections/read-store';

export const WORKLIST_LIMIT_MAX = 500;

/** One remitted line paid below its contract amount. */
export interface UnderpaidLine {
  claimId: string;
  remittanceId: string;
  lineNumber: number;
  payerId: string;
  patientId: string;
  dateOfService: string;
  procedureCode: string;
  modifiers: string[];
  units: number;
  feeScheduleId: string;
  expectedAllowedCents: Cents;
  payerAllowedCents: Cents;
  paidCents: Cents;
  patientResponsibilityCents: Cents;
  /** allowed − expected: negative below contract, positive above it. */
  varianceCents: Cents;
  receivedAt: string;
  reversed: boolean;
}

type Row = Record<string, string | number>;

const toLine = (r: Row): UnderpaidLine => ({
  claimId: r['claim_id'] as string,
  remittanceId: r['remittance_id'] as string,
  lineNumber: r['line_number'] as number,
  payerId: r['payer_id'] as string,
  patientId: r['patient_id'] as string,
  dateOfService: r['date_of_service'] as string,
  procedureCode: r['procedure_code'] as string,
  modifiers: JSON.parse(r['modifiers'] as string) as string[],
  units: r['units'] as number,
  feeScheduleId: r['schedule_id'] as string,
  expectedAllowedCents: r['expected_allowed_cents'] as number,
  payerAllowedCents: r['payer_allowed_cents'] as number,
  paidCents: r['paid_cents'] as number,
  patientResponsibilityCents: r['patient_responsibility_cents'] as number,
  varianceCents: r['variance_cents'] as number,
  receivedAt: r['received_at'] as string,
  reversed: r['reversed'] === 1,
});

const COLUMNS = `claim_id, remittance_id, line_number, payer_id, patient_id, date_of_service, procedure_code, modifiers, units, schedule_id,
  expected_allowed_cents, payer_allowed_cents, paid_cents, patient_responsibility_cents, variance_cents, received_at, reversed, position`;

/** Cursor: the position and line number of the last line on the page. */
const encodeCursor = (position: number, lineNumber: number): string => Buffer.from(`${position}:${lineNumber}`, 'utf8').toString('base64url');
const decodeCursor = (cursor: string): { position: number; lineNumber: number } | null => {
  const match = /^(\d{1,19}):(\d{1,6})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? { position: Number(match[1]), lineNumber: Number(match[2]) } : null;
};

/** Reads over the underpayments projection. */
export class UnderpaymentQueries {
  constructor(private readonly db: ReadDatabase) {}

  /** Standing (not reversed) lines paid below contract by more than the tolerance, in the order their remittances posted. */
  worklist(filter: { toleranceCents: Cents; payerId?: string; claimId?: string; limit: number; cursor?: string }): {
    toleranceCents: Cents;
    lineCount: number;
    shortfallCents: Cents;
    lines: UnderpaidLine[];
    nextCursor?: string;
  } {
    const where = ['reversed = 0', '(expected_allowed_cents - payer_allowed_cents) > @tolerance'];
    const params: Record<string, string | number> = { tolerance: filter.toleranceCents };
    if (filter.payerId !== undefined) (where.push('payer_id = @payerId'), (params['payerId'] = filter.payerId));
    if (filter.claimId !== undefined) (where.push('claim_id = @claimId'), (params['claimId'] = filter.claimId));
    const totals = statement(this.db, `SELECT COUNT(*) AS n, COALESCE(SUM(expected_allowed_cents - payer_allowed_cents), 0) AS shortfall FROM line_variances WHERE ${where.join(' AND ')}`).get(params) as {
      n: number;
      shortfall: number;
    };
    const after = filter.cursor === undefined ? null : decodeCursor(filter.cursor);
    if (after !== null) (where.push('(position, line_number) > (@afterPosition, @afterLine)'), (params['afterPosition'] = after.position), (params['afterLine'] = after.lineNumber));
    const rows = statement(this.db, `SELECT ${COLUMNS} FROM line_variances WHERE ${where.join(' AND ')} ORDER BY position, line_number LIMIT @limit`).all({
      ...params,
      limit: filter.limit + 1,
    }) as Row[];
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    const result = { toleranceCents: filter.toleranceCents, lineCount: totals.n, shortfallCents: totals.shortfall, lines: page.map(toLine) };
    return rows.length > filter.limit && last ? { ...result, nextCursor: encodeCursor(last['position'] as number, last['line_number'] as number) } : result;
  }

  /** Every remitted line of the claim against its contract, reversed ones included. */
  claimVariances(claimId: string): { claimId: string; priced: boolean; lines: UnderpaidLine[] } | null {
    const claim = statement(this.db, 'SELECT expected FROM underpayment_claims WHERE claim_id = ?').get(claimId) as { expected: string | null } | undefined;
    if (!claim) return null;
    const rows = statement(this.db, `SELECT ${COLUMNS} FROM line_variances WHERE claim_id = ? ORDER BY position, line_number`).all(claimId) as Row[];
    return { claimId, priced: claim.expected !== null, lines: rows.map(toLine) };
  }
}
