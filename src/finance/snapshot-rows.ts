import { balancesOf } from '../claims/claim';
import { AGING_BUCKETS } from '../claims/claim-view';
import type { AgingRow } from './aging';
import type { JournalLine, LedgerClaim } from './journal';
import type { TrialBalanceRow } from './trial-balance';

/**
 * The rows of a ledger snapshot, and their two encodings. Each file has one ordered list of
 * columns; CSV (RFC 4180: CRLF records, a header line, fields quoted when they hold a comma, a
 * quote, CR or LF, quotes doubled) and JSON Lines (one object per line, LF, keys in column order)
 * write the same values. Money is integer cents; instants are ISO 8601 UTC; positions are decimal
 * strings in JSON (a bigint does not fit a JSON number) and digits in CSV.
 */

export type SnapshotFormat = 'csv' | 'jsonl';
export const SNAPSHOT_FORMATS: readonly SnapshotFormat[] = ['csv', 'jsonl'];

export type Value = string | number | null;

export interface Table<Row> {
  /** File name without extension. */
  name: string;
  columns: readonly string[];
  values(row: Row): Value[];
}

export const JOURNAL_TABLE: Table<JournalLine> = {
  name: 'journal',
  columns: ['position', 'eventId', 'eventType', 'lineNumber', 'account', 'debitCents', 'creditCents', 'claimId', 'payerId', 'patientId', 'recordedAt', 'businessAt', 'memo'],
  values: (l) => [l.position.toString(10), l.eventId, l.eventType, l.lineNumber, l.account, l.debitCents, l.creditCents, l.claimId, l.payerId, l.patientId, l.recordedAt, l.businessAt, l.memo],
};

export const TRIAL_BALANCE_TABLE: Table<TrialBalanceRow> = {
  name: 'trial-balance',
  columns: ['account', 'name', 'type', 'normalSide', 'debitCents', 'creditCents', 'balanceCents'],
  values: (r) => [r.account, r.name, r.type, r.normalSide, r.debitCents, r.creditCents, r.balanceCents],
};

export const CLAIMS_TABLE: Table<LedgerClaim> = {
  name: 'claims',
  columns: [
    'claimId', 'status', 'payerId', 'patientId', 'encounterId', 'dateOfService', 'firstSubmittedAt', 'submissionCount',
    'chargesCents', 'payerPaidCents', 'contractualAdjustmentCents', 'patientResponsibilityCents', 'patientPaidCents', 'writeOffCents',
    'payerBalanceCents', 'patientBalanceCents', 'balanceCents', 'patientOwesSince', 'lastPosition',
  ],
  values: ({ claim, patientOwesSince, lastPosition }) => {
    const b = balancesOf(claim.money);
    return [
      claim.claimId, claim.status, claim.payerId, claim.patientId, claim.encounterId, claim.dateOfService, new Date(claim.firstSubmittedAt).toISOString(), claim.submissionCount,
      b.chargesCents, b.payerPaidCents, b.contractualAdjustmentCents, b.patientResponsibilityCents, b.patientPaidCents, b.writeOffCents,
      b.payerBalanceCents, b.patientBalanceCents, b.balanceCents, patientOwesSince, lastPosition,
    ];
  },
};

const BUCKET_COLUMNS = ['days0to30Cents', 'days31to60Cents', 'days61to90Cents', 'days91to120Cents', 'days121plusCents'] as const;

export const AGING_TABLE: Table<AgingRow> = {
  name: 'aging',
  columns: ['scope', 'id', 'claimCount', ...BUCKET_COLUMNS, 'creditsCents', 'totalCents'],
  values: (r) => [r.scope, r.id, r.claimCount, ...AGING_BUCKETS.map((b) => r.buckets[b]), r.creditsCents, r.totalCents],
};

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field (RFC 4180 §2.6–2.7): null is an empty field. */
export const csvField = (value: Value): string => {
  if (value === null) return '';
  const text = typeof value === 'number' ? String(value) : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export const csvRecord = (values: readonly Value[]): string => `${values.map(csvField).join(',')}\r\n`;

export const jsonlRecord = (columns: readonly string[], values: readonly Value[]): string => {
  const object: Record<string, Value> = {};
  columns.forEach((column, i) => (object[column] = values[i] ?? null));
  return `${JSON.stringify(object)}\n`;
};

/** The header of a file (CSV has one; JSON Lines has none). */
export const headerOf = (table: Table<unknown>, format: SnapshotFormat): string => (format === 'csv' ? csvRecord(table.columns) : '');

export const encodeRow = <Row>(table: Table<Row>, format: SnapshotFormat, row: Row): string =>
  format === 'csv' ? csvRecord(table.values(row)) : jsonlRecord(table.columns, table.values(row));

export const fileNameOf = (table: Table<unknown>, format: SnapshotFormat): string => `${table.name}.${format}`;
