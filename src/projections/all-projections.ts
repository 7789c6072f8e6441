import { ledgerDigestProjection } from '../audit/ledger-digest.projection';
import { journalProjection } from '../finance/journal.projection';
import { patientBillingProjection } from '../patient-billing/patient-billing.projection';
import { underpaymentsProjection } from '../worklists/underpayments.projection';
import { claimsProjection } from './claims.projection';
import { denialsProjection } from './denials.projection';
import { patientAccountsProjection } from './patient-accounts.projection';
import type { Projection } from './projection';

export const ALL_PROJECTIONS: readonly Projection[] = [claimsProjection, patientAccountsProjection, denialsProjection, journalProjection, underpaymentsProjection, patientBillingProjection, ledgerDigestProjection];
