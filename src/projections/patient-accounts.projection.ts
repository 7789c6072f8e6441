import type { RecordedEvent } from '../event-store/event-store';
import { unallocatedCents, type PatientPaymentReceived, type PatientRefundIssued } from '../patients/patient';
import type { Projection } from './projection';
import { statement } from './read-store';

/** Per patient: money received, refunded, and the credit not allocated to any claim. */
export const patientAccountsProjection: Projection = {
  name: 'patient-accounts',
  version: 1,
  handles: new Set(['PatientPaymentReceived', 'PatientRefundIssued']),

  setup(db) {
    db.exec(`CREATE TABLE IF NOT EXISTS patient_accounts (
      patient_id TEXT PRIMARY KEY,
      received_cents INTEGER NOT NULL,
      refunded_cents INTEGER NOT NULL,
      unallocated_credit_cents INTEGER NOT NULL
    )`);
  },

  drop(db) {
    db.exec('DROP TABLE IF EXISTS patient_accounts');
  },

  apply(db, event: RecordedEvent) {
    let receivedCents = 0;
    let refundedCents = 0;
    let creditCents = 0;
    if (event.type === 'PatientPaymentReceived') {
      const data = event.data as PatientPaymentReceived['data'];
      receivedCents = data.amountCents;
      creditCents = unallocatedCents(data);
    } else {
      const data = event.data as PatientRefundIssued['data'];
      refundedCents = data.amountCents;
      if (data.claimId === undefined) creditCents = -data.amountCents;
    }
    statement(db, 
      `INSERT INTO patient_accounts (patient_id, received_cents, refunded_cents, unallocated_credit_cents) VALUES (?, ?, ?, ?)
       ON CONFLICT (patient_id) DO UPDATE SET received_cents = received_cents + excluded.received_cents,
         refunded_cents = refunded_cents + excluded.refunded_cents,
         unallocated_credit_cents = unallocated_credit_cents + excluded.unallocated_credit_cents`,
    ).run((event.data as { patientId: string }).patientId, receivedCents, refundedCents, creditCents);
  },
};
