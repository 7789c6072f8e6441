import { Module } from '@nestjs/common';
import { CollectionsController } from './collections.controller';
import { PatientBillingCommands } from './patient-billing-commands';
import { PatientBillingQueries } from './patient-billing-queries';
import { loadPatientBillingPolicy, PATIENT_BILLING_POLICY } from './patient-billing.config';
import { PatientLedgerController } from './patient-ledger.controller';
import { PaymentPlansController } from './payment-plans.controller';
import { StatementsController } from './statements.controller';

/** Statements, payment plans, collections, patient aging and the patient ledger (issue #10). */
@Module({
  controllers: [StatementsController, PaymentPlansController, CollectionsController, PatientLedgerController],
  providers: [PatientBillingCommands, PatientBillingQueries, { provide: PATIENT_BILLING_POLICY, useFactory: () => loadPatientBillingPolicy() }],
  exports: [PatientBillingCommands, PatientBillingQueries],
})
export class PatientBillingModule {}
