import type { ClaimSubmitted, DenialReceived, RemittancePosted } from '../claims/claim';
import type { RecordedEvent } from '../event-store/event-store';
import type { Projection } from './projection';
import { statement } from './read-store';

/**
 * Denial history: every denial of every claim (when, which submission, codes, amounts, remarks),
 * and whether the claim was later paid (the denial overturned). Aggregates are queries over it.
 */
export const denialsProjection: Projection = {
  name: 'denials',
  version: 1,
  handles: new Set(['ClaimSubmitted', 'ClaimResubmitted', 'DenialReceived', 'RemittancePosted']),

  setup(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS denial_claims (
        claim_id TEXT PRIMARY KEY,
        payer_id TEXT NOT NULL,
        submission_number INTEGER NOT NULL
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
      CREATE INDEX IF NOT EXISTS denial_adjustments_by_payer ON denial_adjustments (payer_id, reason);
    `);
  },

  drop(db) {
    db.exec('DROP TABLE IF EXISTS denial_claims; DROP TABLE IF EXISTS denials; DROP TABLE IF EXISTS denial_adjustments;');
  },

  apply(db, event: RecordedEvent) {
    switch (event.type) {
      case 'ClaimSubmitted': {
        const data = event.data as ClaimSubmitted['data'];
        statement(db, 'INSERT OR IGNORE INTO denial_claims (claim_id, payer_id, submission_number) VALUES (?, ?, 1)').run(data.claimId, data.payerId);
        return;
      }
      case 'ClaimResubmitted':
        statement(db, 'UPDATE denial_claims SET submission_number = submission_number + 1 WHERE claim_id = ?').run(
          (event.data as { claimId: string }).claimId,
        );
        return;
      case 'DenialReceived': {
        const data = event.data as DenialReceived['data'];
        const claim = statement(db, 'SELECT payer_id, submission_number FROM denial_claims WHERE claim_id = ?').get(data.claimId) as
          | { payer_id: string; submission_number: number }
          | undefined;
        if (!claim) return;
        statement(db, 
          `INSERT OR IGNORE INTO denials (claim_id, remittance_id, payer_id, submission_number, position, received_at, recorded_at,
             line_numbers, remarks, payer_claim_control_number) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
        return;
      }
      default:
        return;
    }
  },
};
