import type { PaymentPlanAgreed, PaymentPlanCompleted, PaymentPlanDefaulted, PlacedWithCollections, RecalledFromCollections, StatementIssued } from './patient-billing-events';
import type { Projection } from '../projections/projection';
import { statement } from '../projections/read-store';

/**
 * Per claim, its patient-billing facts for the cross-patient answers (collections worklist,
 * patient aging): the statements that billed it, its current plan, its placement. Balances are
 * joined from the `claims` table at read time, so this projection moves no money.
 */
export const patientBillingProjection: Projection = {
  name: 'patient-billing',
  version: 1,
  handles: new Set(['StatementIssued', 'PaymentPlanAgreed', 'PaymentPlanDefaulted', 'PaymentPlanCompleted', 'PlacedWithCollections', 'RecalledFromCollections']),

  setup(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS patient_billing_claims (
        claim_id TEXT PRIMARY KEY,
        patient_id TEXT NOT NULL,
        first_statement_date TEXT,
        last_statement_date TEXT,
        statement_count INTEGER NOT NULL DEFAULT 0,
        plan_id TEXT,
        placement_id TEXT,
        agency TEXT
      );
      CREATE INDEX IF NOT EXISTS patient_billing_claims_by_patient ON patient_billing_claims (patient_id, claim_id);
    `);
  },

  drop(db) {
    db.exec('DROP TABLE IF EXISTS patient_billing_claims');
  },

  apply(db, event) {
    const ensure = (patientId: string, claimId: string): void => {
      statement(db, 'INSERT INTO patient_billing_claims (claim_id, patient_id) VALUES (?, ?) ON CONFLICT (claim_id) DO NOTHING').run(claimId, patientId);
    };
    switch (event.type) {
      case 'StatementIssued': {
        const data = event.data as StatementIssued['data'];
        for (const claim of data.claims) {
          // A statement bills the claims it lists with something owed; credits are only shown.
          if (claim.patientBalanceCents <= 0) continue;
          ensure(data.patientId, claim.claimId);
          statement(
            db,
            `UPDATE patient_billing_claims SET first_statement_date = COALESCE(first_statement_date, @date), last_statement_date = @date,
               statement_count = statement_count + 1 WHERE claim_id = @claimId`,
          ).run({ date: data.statementDate, claimId: claim.claimId });
        }
        return;
      }
      case 'PaymentPlanAgreed': {
        const data = event.data as PaymentPlanAgreed['data'];
        for (const claimId of data.claimIds) {
          ensure(data.patientId, claimId);
          statement(db, 'UPDATE patient_billing_claims SET plan_id = ? WHERE claim_id = ?').run(data.planId, claimId);
        }
        return;
      }
      case 'PaymentPlanDefaulted':
      case 'PaymentPlanCompleted': {
        const data = event.data as (PaymentPlanDefaulted | PaymentPlanCompleted)['data'];
        statement(db, 'UPDATE patient_billing_claims SET plan_id = NULL WHERE patient_id = ? AND plan_id = ?').run(data.patientId, data.planId);
        return;
      }
      case 'PlacedWithCollections': {
        const data = event.data as PlacedWithCollections['data'];
        for (const claim of data.claims) {
          ensure(data.patientId, claim.claimId);
          statement(db, 'UPDATE patient_billing_claims SET placement_id = ?, agency = ? WHERE claim_id = ?').run(data.placementId, data.agency, claim.claimId);
        }
        return;
      }
      case 'RecalledFromCollections': {
        const data = event.data as RecalledFromCollections['data'];
        statement(db, 'UPDATE patient_billing_claims SET placement_id = NULL, agency = NULL WHERE patient_id = ? AND placement_id = ?').run(
          data.patientId,
          data.placementId,
        );
        return;
      }
      default:
        return;
    }
  },
};
