import type { ClaimCorrected, ClaimResubmitted, ClaimSubmitted, RemittancePosted, RemittanceReversed } from '../claims/claim';
import type { ExpectedPayment } from '../contracts/pricing';
import type { ServiceLine } from '../encounters/encounter';
import type { RecordedEvent } from '../event-store/event-store';
import type { Projection } from '../projections/projection';
import { statement, type ReadDatabase } from '../projections/read-store';
import { lineVariances } from './variance';

type LineInfo = Pick<ServiceLine, 'lineNumber' | 'procedureCode' | 'modifiers' | 'units'>;
const lineInfo = (lines: readonly ServiceLine[]): LineInfo[] =>
  lines.map((l) => ({ lineNumber: l.lineNumber, procedureCode: l.procedureCode, modifiers: l.modifiers, units: l.units }));

/**
 * Every remitted line of a priced claim with its variance against the contract (what the payer
 * allowed, paid + PR, against the expected allowed amount fixed at submission). The worklist
 * (GET /worklists/underpayments) is a query over it with the tolerance, so changing the tolerance
 * needs no rebuild. A reversed remittance's lines stay, marked reversed, and leave the worklist.
 */
export const underpaymentsProjection: Projection = {
  name: 'underpayments',
  version: 1,
  handles: new Set(['ClaimSubmitted', 'ClaimCorrected', 'ClaimResubmitted', 'RemittancePosted', 'RemittanceReversed']),

  setup(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS underpayment_claims (
        claim_id TEXT PRIMARY KEY,
        payer_id TEXT NOT NULL,
        patient_id TEXT NOT NULL,
        date_of_service TEXT NOT NULL,
        lines TEXT NOT NULL,
        expected TEXT
      );
      CREATE TABLE IF NOT EXISTS line_variances (
        claim_id TEXT NOT NULL,
        remittance_id TEXT NOT NULL,
        line_number INTEGER NOT NULL,
        payer_id TEXT NOT NULL,
        patient_id TEXT NOT NULL,
        date_of_service TEXT NOT NULL,
        procedure_code TEXT NOT NULL,
        modifiers TEXT NOT NULL,
        units INTEGER NOT NULL,
        schedule_id TEXT NOT NULL,
        expected_allowed_cents INTEGER NOT NULL,
        paid_cents INTEGER NOT NULL,
        patient_responsibility_cents INTEGER NOT NULL,
        payer_allowed_cents INTEGER NOT NULL,
        variance_cents INTEGER NOT NULL,
        received_at TEXT NOT NULL,
        position INTEGER NOT NULL,
        reversed INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (claim_id, remittance_id, line_number)
      );
    `);
  },

  setupIndexes(db) {
    db.exec(`
      CREATE INDEX IF NOT EXISTS line_variances_by_position ON line_variances (position, line_number);
      CREATE INDEX IF NOT EXISTS line_variances_by_payer ON line_variances (payer_id, position, line_number);
    `);
  },

  drop(db) {
    db.exec('DROP TABLE IF EXISTS underpayment_claims; DROP TABLE IF EXISTS line_variances;');
  },

  apply(db, event: RecordedEvent) {
    switch (event.type) {
      case 'ClaimSubmitted': {
        const data = event.data as ClaimSubmitted['data'];
        statement(
          db,
          `INSERT INTO underpayment_claims (claim_id, payer_id, patient_id, date_of_service, lines, expected) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (claim_id) DO NOTHING`,
        ).run(data.claimId, data.payerId, data.patientId, data.dateOfService, JSON.stringify(lineInfo(data.lines)), data.expectedPayment ? JSON.stringify(data.expectedPayment) : null);
        return;
      }
      case 'ClaimCorrected': {
        const data = event.data as ClaimCorrected['data'];
        if (data.lines) statement(db, 'UPDATE underpayment_claims SET lines = ? WHERE claim_id = ?').run(JSON.stringify(lineInfo(data.lines)), data.claimId);
        return;
      }
      case 'ClaimResubmitted': {
        const data = event.data as ClaimResubmitted['data'];
        if (data.expectedPayment) statement(db, 'UPDATE underpayment_claims SET expected = ? WHERE claim_id = ?').run(JSON.stringify(data.expectedPayment), data.claimId);
        return;
      }
      case 'RemittancePosted':
        return recordVariances(db, event as RecordedEvent<RemittancePosted['data']>);
      case 'RemittanceReversed': {
        const data = event.data as RemittanceReversed['data'];
        statement(db, 'UPDATE line_variances SET reversed = 1 WHERE claim_id = ? AND remittance_id = ?').run(data.claimId, data.remittanceId);
        return;
      }
      default:
        return;
    }
  },
};

const recordVariances = (db: ReadDatabase, event: RecordedEvent<RemittancePosted['data']>): void => {
  const data = event.data;
  const claim = statement(db, 'SELECT payer_id, patient_id, date_of_service, lines, expected FROM underpayment_claims WHERE claim_id = ?').get(data.claimId) as
    | { payer_id: string; patient_id: string; date_of_service: string; lines: string; expected: string | null }
    | undefined;
  if (!claim || claim.expected === null) return;
  const expected = JSON.parse(claim.expected) as ExpectedPayment;
  const lines = new Map((JSON.parse(claim.lines) as LineInfo[]).map((l) => [l.lineNumber, l]));
  const insert = statement(
    db,
    `INSERT OR IGNORE INTO line_variances (claim_id, remittance_id, line_number, payer_id, patient_id, date_of_service, procedure_code, modifiers,
       units, schedule_id, expected_allowed_cents, paid_cents, patient_responsibility_cents, payer_allowed_cents, variance_cents, received_at, position)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const variance of lineVariances(expected, data.lines)) {
    const line = lines.get(variance.lineNumber);
    insert.run(
      data.claimId,
      data.remittanceId,
      variance.lineNumber,
      claim.payer_id,
      claim.patient_id,
      claim.date_of_service,
      line?.procedureCode ?? '',
      JSON.stringify(line?.modifiers ?? []),
      line?.units ?? 0,
      expected.scheduleId,
      variance.expectedAllowedCents,
      variance.paidCents,
      variance.patientResponsibilityCents,
      variance.payerAllowedCents,
      variance.varianceCents,
      data.receivedAt,
      Number(event.position),
    );
  }
};
