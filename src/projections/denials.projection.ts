import type { ClaimCorrected, ClaimResubmitted, ClaimSubmitted, DenialReceived, RemittancePosted, RemittanceReversed } from '../claims/claim';
import type { ExpectedPayment } from '../contracts/pricing';
import type { RecordedEvent } from '../event-store/event-store';
import type { Projection } from './projection';
import { statement, type ReadDatabase } from './read-store';

/** Line number → expected allowed cents (null: not on the schedule), from the submission's expected payment. */
type ExpectedByLine = Record<string, number | null>;
const expectedByLine = (expected: ExpectedPayment | undefined): string | null =>
  expected === undefined ? null : JSON.stringify(Object.fromEntries(expected.lines.map((l) => [l.lineNumber, l.expectedAllowedCents])));

/**
 * Denial history: every denial of every claim (when, which submission, codes, amounts, remarks),
 * and whether the claim was later paid (the denial overturned). Aggregates are queries over it.
 * Each denial also keeps the expected dollars at risk: the contract amounts (fixed at submission,
 * docs/contracts-and-scrubbing.md) of the lines it denied; null when the claim was not priced.
 */
export const denialsProjection: Projection = {
  name: 'denials',
  version: 2,
  handles: new Set(['ClaimSubmitted', 'ClaimCorrected', 'ClaimResubmitted', 'DenialReceived', 'RemittancePosted', 'RemittanceReversed']),

  setup(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS denial_claims (
        claim_id TEXT PRIMARY KEY,
        payer_id TEXT NOT NULL,
        submission_number INTEGER NOT NULL,
        line_numbers TEXT NOT NULL DEFAULT '[]',
        expected_by_line TEXT,
        paid_lines TEXT NOT NULL DEFAULT '{}'
      );
      CREATE TABLE IF NOT EXISTS denials (
        claim_id TEXT NOT NULL,
        remittance_id TEXT NOT NULL,
        payer_id TEXT NOT NULL,
        submission_number INTEGER NOT NULL,
        position INTEGER NOT NULL,
        received_at TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        line_numbers TEXT,
        remarks TEXT NOT NULL,
        payer_claim_control_number TEXT,
        overturned INTEGER NOT NULL DEFAULT 0,
        expected_at_risk_cents INTEGER,
        PRIMARY KEY (claim_id, remittance_id)
      );
      CREATE TABLE IF NOT EXISTS denial_adjustments (
        claim_id TEXT NOT NULL,
        remittance_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        payer_id TEXT NOT NULL,
        adjustment_group TEXT NOT NULL,
        reason TEXT NOT NULL,
        amount_cents INTEGER NOT NULL,
        PRIMARY KEY (claim_id, remittance_id, seq)
      );
    `);
  },

  setupIndexes(db) {
    db.exec('CREATE INDEX IF NOT EXISTS denial_adjustments_by_payer ON denial_adjustments (payer_id, reason)');
  },

  drop(db) {
    db.exec('DROP TABLE IF EXISTS denial_claims; DROP TABLE IF EXISTS denials; DROP TABLE IF EXISTS denial_adjustments;');
  },

  apply(db, event: RecordedEvent) {
    switch (event.type) {
      case 'ClaimSubmitted': {
        const data = event.data as ClaimSubmitted['data'];
        statement(
          db,
          `INSERT OR IGNORE INTO denial_claims (claim_id, payer_id, submission_number, line_numbers, expected_by_line, paid_lines)
           VALUES (?, ?, 1, ?, ?, '{}')`,
        ).run(data.claimId, data.payerId, JSON.stringify(data.lines.map((l) => l.lineNumber)), expectedByLine(data.expectedPayment));
        return;
      }
      case 'ClaimCorrected': {
        const data = event.data as ClaimCorrected['data'];
        if (data.lines) statement(db, 'UPDATE denial_claims SET line_numbers = ? WHERE claim_id = ?').run(JSON.stringify(data.lines.map((l) => l.lineNumber)), data.claimId);
        return;
      }
      case 'ClaimResubmitted': {
        // A replacement puts every line back to pending (as evolveClaim does), priced afresh when a schedule is in force.
        const data = event.data as ClaimResubmitted['data'];
        statement(
          db,
          `UPDATE denial_claims SET submission_number = submission_number + 1, paid_lines = '{}',
             expected_by_line = COALESCE(?, expected_by_line) WHERE claim_id = ?`,
        ).run(expectedByLine(data.expectedPayment), data.claimId);
        return;
      }
      case 'DenialReceived': {
        const data = event.data as DenialReceived['data'];
        const claim = statement(db, 'SELECT payer_id, submission_number, line_numbers, expected_by_line, paid_lines FROM denial_claims WHERE claim_id = ?').get(
          data.claimId,
        ) as { payer_id: string; submission_number: number; line_numbers: string; expected_by_line: string | null; paid_lines: string } | undefined;
        if (!claim) return;
        statement(db, 
          `INSERT OR IGNORE INTO denials (claim_id, remittance_id, payer_id, submission_number, position, received_at, recorded_at,
             line_numbers, remarks, payer_claim_control_number, expected_at_risk_cents) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          data.claimId,
          data.remittanceId,
          claim.payer_id,
          claim.submission_number,
          Number(event.position),
          data.receivedAt,
          event.metadata.recordedAt,
          data.lineNumbers ? JSON.stringify(data.lineNumbers) : null,
          JSON.stringify(data.remarks),
          data.payerClaimControlNumber ?? null,
          expectedAtRisk(claim, data.lineNumbers),
        );
        const insert = statement(db, 
          `INSERT OR IGNORE INTO denial_adjustments (claim_id, remittance_id, seq, payer_id, adjustment_group, reason, amount_cents)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        );
        data.adjustments.forEach((a, seq) => insert.run(data.claimId, data.remittanceId, seq, claim.payer_id, a.group, a.reason, a.amountCents));
        return;
      }
      case 'RemittancePosted': {
        const data = event.data as RemittancePosted['data'];
        if (data.paidCents > 0) statement(db, 'UPDATE denials SET overturned = 1 WHERE claim_id = ?').run(data.claimId);
        updatePaidLines(db, data.claimId, (paid) => ({ ...paid, [data.remittanceId]: data.lines.map((l) => l.lineNumber) }));
        return;
      }
      case 'RemittanceReversed': {
        const data = event.data as RemittanceReversed['data'];
        updatePaidLines(db, data.claimId, (paid) => Object.fromEntries(Object.entries(paid).filter(([id]) => id !== data.remittanceId)));
        return;
      }
      default:
        return;
    }
  },
};

type PaidLines = Record<string, number[]>;

/** Which lines each standing payment paid: a whole-claim denial denies the lines not paid (as evolveClaim's openLineNumbers). */
const updatePaidLines = (db: ReadDatabase, claimId: string, change: (paid: PaidLines) => PaidLines): void => {
  const row = statement(db, 'SELECT paid_lines FROM denial_claims WHERE claim_id = ?').get(claimId) as { paid_lines: string } | undefined;
  if (!row) return;
  statement(db, 'UPDATE denial_claims SET paid_lines = ? WHERE claim_id = ?').run(JSON.stringify(change(JSON.parse(row.paid_lines) as PaidLines)), claimId);
};

/** Σ of the denied lines' expected allowed amounts; null when the claim was not priced. */
const expectedAtRisk = (
  claim: { line_numbers: string; expected_by_line: string | null; paid_lines: string },
  lineNumbers: readonly number[] | undefined,
): number | null => {
  if (claim.expected_by_line === null) return null;
  const expected = JSON.parse(claim.expected_by_line) as ExpectedByLine;
  const paid = new Set(Object.values(JSON.parse(claim.paid_lines) as PaidLines).flat());
  const denied = lineNumbers ?? (JSON.parse(claim.line_numbers) as number[]).filter((n) => !paid.has(n));
  return denied.reduce((sum, n) => sum + (expected[String(n)] ?? 0), 0);
};
