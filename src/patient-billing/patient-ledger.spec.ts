import { claimStreamId } from '../claims/claim';
import {
  CLAIM_ID,
  co,
  OTHER_CLAIM_ID,
  patientPaid,
  PATIENT_ID,
  pr,
  refundedFromCredit,
  remittanceLine,
  remitted,
  reversed,
  submitted,
  voided,
  writtenOff,
} from '../claims/claim-fixtures';
import { patientStreamId } from '../patients/patient';
import { statementIssued } from '../../test/patient-billing/fixtures';
import { buildPatientLedger, type LedgerSourceEvent } from './patient-ledger';

const source = (events: ReadonlyArray<{ type: string; data: object }>): LedgerSourceEvent[] =>
  events.map((event, i) => ({
    position: BigInt(i + 1),
    streamId: 'claimId' in event.data && !('paymentId' in event.data) && !('refundId' in event.data) ? claimStreamId(String(event.data.claimId)) : patientStreamId(PATIENT_ID),
    type: event.type,
    data: event.data,
    metadata: { recordedAt: `2025-05-${String(i + 1).padStart(2, '0')}T00:00:00.000Z` },
  }));

describe('buildPatientLedger', () => {
  const events = [
    submitted(),
    remitted(),
    patientPaid({ amountCents: 6_000, allocations: [{ claimId: CLAIM_ID, amountCents: 1_500 }] }),
    statementIssued(),
    writtenOff({ amountCents: 500 }),
    refundedFromCredit({ amountCents: 1_000 }),
    reversed(),
    submitted({ claimId: OTHER_CLAIM_ID }),
    voided({ claimId: OTHER_CLAIM_ID }),
  ];
  const ledger = buildPatientLedger(PATIENT_ID, source(events));
  const after = (position: number) => ledger.entries.filter((e) => e.position === String(position)).at(-1);

  it('tells every charge, insurance payment and adjustment, patient share, payment, refund and write-off in order', () => {
    expect(ledger.entries.map((e) => [e.kind, e.code, e.insuranceCents, e.patientCents])).toEqual([
      ['charge', '99213', 15_000, 0],
      ['charge', '93000', 7_500, 0],
      ['charge', 'G0439', 17_500, 0],
      ['insurance_payment', null, -24_000, 0],
      ['insurance_adjustment', 'CO-45', -12_000, 0],
      ['patient_responsibility', 'PR-3', -3_000, 3_000],
      ['patient_responsibility', 'PR-2', -1_000, 1_000],
      ['payment', 'card', 0, -1_500],
      ['payment', 'card', 0, -4_500],
      ['note', null, 0, 0],
      ['write_off', 'small_balance', 0, -500],
      ['refund', null, 0, 1_000],
      ['insurance_payment', null, 24_000, 0],
      ['insurance_adjustment', 'CO-45', 12_000, 0],
      ['patient_responsibility', 'PR-3', 3_000, -3_000],
      ['patient_responsibility', 'PR-2', 1_000, -1_000],
      ['charge', '99213', 15_000, 0],
      ['charge', '93000', 7_500, 0],
      ['charge', 'G0439', 17_500, 0],
      ['void', null, -40_000, 0],
    ]);
    expect(ledger.entries[5]?.description).toBe('Copay (PR-3): patient owes $30.00');
    expect(ledger.entries[8]?.description).toBe('payment pay-1 (card) $45.00 held as credit');
  });

  it('carries the balances after each entry: the last entry of an event holds the balances after it', () => {
    expect(after(2)).toMatchObject({ insuranceBalanceCents: 0, patientBalanceCents: 4_000, balanceCents: 4_000 });
    // $15 to the claim, $45 held as credit: the patient owes $25 on the claim, less $45 of credit.
    expect(after(3)).toMatchObject({ patientBalanceCents: -2_000 });
    expect(after(6)).toMatchObject({ patientBalanceCents: -1_500 });
    // The take-back returns $400 − $40 to the insurer's side; the patient's $15 paid and $5 written off now stand as credit on the claim.
    expect(after(7)).toMatchObject({ insuranceBalanceCents: 40_000, patientBalanceCents: -5_500 });
    expect(after(9)).toMatchObject({ insuranceBalanceCents: 40_000, patientBalanceCents: -5_500 });
    expect(ledger).toMatchObject({ patientBalanceCents: -5_500, insuranceBalanceCents: 40_000, unallocatedCreditCents: 3_500 });
  });

  it('names the claim and its date of service on claim entries, the business date of each event', () => {
    expect(ledger.entries[0]).toMatchObject({ claimId: CLAIM_ID, dateOfService: '2025-03-14', date: '2025-03-15T09:00:00Z', eventType: 'ClaimSubmitted' });
    expect(ledger.entries[8]).toMatchObject({ claimId: null, dateOfService: null, date: '2025-04-20T15:00:00Z' });
  });

  it('claim-level adjustments are told too', () => {
    const lines = [remittanceLine(1, 8_000, co('45', 4_000), pr('3', 3_000)), remittanceLine(2, 4_000, co('45', 2_500), pr('2', 1_000)), remittanceLine(3, 12_000, co('45', 5_500))];
    const withClaimLevel = buildPatientLedger(PATIENT_ID, source([submitted(), remitted({ lines, adjustments: [pr('1', 2_000)] })]));
    expect(withClaimLevel.entries.filter((e) => e.kind === 'patient_responsibility').map((e) => [e.code, e.patientCents])).toEqual([
      ['PR-3', 3_000],
      ['PR-2', 1_000],
      ['PR-1', 2_000],
    ]);
    expect(withClaimLevel).toMatchObject({ patientBalanceCents: 6_000, insuranceBalanceCents: 0 });
  });
});
