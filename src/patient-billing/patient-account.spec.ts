/**
 * The billing fold of the patient stream, and the promise that billing events move no money: they
 * fold into no claim (touchesClaim), leave the patient's credit alone (evolvePatient), and leave
 * every claim as it was.
 */
import { CLAIM_ID, CLAIM_IN, foldClaim, OTHER_CLAIM_ID, patientPaid, PATIENT_ID, refunded, refundedFromCredit } from '../claims/claim-fixtures';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { claimStreamId, touchesClaim, type ClaimFoldEvent } from '../claims/claim';
import { loadClaim } from '../claims/claim-repository';
import { toNewEvents } from '../common/command-handler';
import { SqliteEventStore } from '../event-store/sqlite-event-store';
import { evolvePatient, initialPatientState, patientStreamId, type PatientEvent, type PatientStreamEvent } from '../patients/patient';
import { activePlacementOf, currentPlanOf, planPaidCents, statementsBilling } from './patient-account';
import { ALL_BILLING_EVENTS, givenAccount, placed, planAgreed, planDefaulted, recalled, statementIssued } from '../../test/patient-billing/fixtures';

describe('billing events move no money', () => {
  it.each(ALL_BILLING_EVENTS().map((e) => [e.type, e]))('%s touches no claim', (_, event) => {
    // loadClaim, the audit package and the history all ask touchesClaim of every patient-stream event.
    expect(touchesClaim(event as unknown as PatientEvent, CLAIM_ID)).toBe(false);
    expect('claimId' in (event.data as object)).toBe(false);
  });

  it("leave the patient's credit and ids as they were", () => {
    const money = [patientPaid({ amountCents: 6_000 }), refundedFromCredit({ amountCents: 500 })];
    const without = money.reduce(evolvePatient, initialPatientState(PATIENT_ID));
    const withBilling = [money[0]!, ...ALL_BILLING_EVENTS(), money[1]!].reduce(evolvePatient, initialPatientState(PATIENT_ID));
    expect(withBilling).toEqual(without);
  });

  it('a claim loaded from the store folds the same with billing events on the patient stream (loadClaim)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bl-pb-fold-'));
    const store = SqliteEventStore.open(path.join(dir, 'events.sqlite'));
    try {
      const context = { actor: 'spec', correlationId: 'c', commandId: 'c', source: 'cli' as const };
      const append = (streamId: string, events: ReadonlyArray<{ type: string; data: object }>) =>
        store.append(streamId, toNewEvents(events, streamId, context, '2025-06-01T00:00:00.000Z'), 'any');
      const [submittedEvent, remittedEvent, paidEvent] = CLAIM_IN.closed as [ClaimFoldEvent, ClaimFoldEvent, ClaimFoldEvent];
      await append(claimStreamId(CLAIM_ID), [submittedEvent, remittedEvent]);
      await append(patientStreamId(PATIENT_ID), [statementIssued(), planAgreed()]);
      await append(patientStreamId(PATIENT_ID), [paidEvent]);
      await append(patientStreamId(PATIENT_ID), [planDefaulted(), placed(), recalled()]);
      const loaded = await loadClaim(store, CLAIM_ID);
      expect(loaded.state).toEqual(foldClaim(CLAIM_IN.closed));
      expect(loaded.events.map((e) => e.type)).toEqual(['ClaimSubmitted', 'RemittancePosted', 'PatientPaymentReceived']);
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('evolvePatientAccount', () => {
  it('records statements and which claims each billed', () => {
    const { state } = givenAccount(statementIssued());
    expect(statementsBilling(state, CLAIM_ID).map((s) => s.statementId)).toEqual(['stmt-2025-04-30']);
    expect(statementsBilling(state, OTHER_CLAIM_ID)).toEqual([]);
  });

  it('a current plan collects the allocations to its claims made after it was agreed; refunds from them count against it', () => {
    const events: PatientStreamEvent[] = [
      patientPaid({ paymentId: 'before', amountCents: 700, allocations: [{ claimId: CLAIM_ID, amountCents: 700 }] }),
      planAgreed(),
      patientPaid({ paymentId: 'split', amountCents: 900, allocations: [{ claimId: CLAIM_ID, amountCents: 400 }, { claimId: OTHER_CLAIM_ID, amountCents: 300 }] }),
      refunded({ refundId: 'r-1', amountCents: 100 }),
      refunded({ refundId: 'r-2', amountCents: 50, claimId: OTHER_CLAIM_ID }),
    ];
    const plan = givenAccount(...events).state.plans[0]!;
    expect(plan.payments.map((p) => [p.source, p.id, p.amountCents])).toEqual([
      ['payment', 'split', 400],
      ['refund', 'r-1', -100],
    ]);
    expect(planPaidCents(plan)).toBe(300);
  });

  it('a defaulted plan is no longer current and collects nothing more', () => {
    const { state } = givenAccount(planAgreed(), planDefaulted(), patientPaid({ paymentId: 'late' }));
    expect(currentPlanOf(state, CLAIM_ID)).toBeUndefined();
    expect(state.plans[0]).toMatchObject({ status: 'defaulted', payments: [] });
  });

  it('a placement holds its claims until recalled', () => {
    expect(activePlacementOf(givenAccount(placed()).state, CLAIM_ID)?.placementId).toBe('plc-1');
    expect(activePlacementOf(givenAccount(placed(), recalled()).state, CLAIM_ID)).toBeUndefined();
  });
});
