import fc from 'fast-check';
import { evolveClaim, initialClaimState, touchesClaim, type ClaimFoldEvent, type ClaimState } from '../../src/claims/claim';
import { toClaimView } from '../../src/claims/claim-view';
import type { Clock } from '../../src/common/clock';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../src/event-store/event-store';
import type { PatientEvent } from '../../src/patients/patient';
import { denialBody, remittanceBody, startTestApp, submittedClaim, uid, type TestApp } from '../support/test-app';

/** A clock that moves one minute per reading, so every command has its own recorded instant. */
class SteppingClock implements Clock {
  private t = Date.parse('2026-05-01T08:00:00.000Z');
  now(): Date {
    this.t += 60_000;
    return new Date(this.t);
  }
}

const foldUpTo = (events: RecordedEvent[], claimId: string, instant: string): { state: ClaimState; revision: number } => {
  let state: ClaimState = initialClaimState;
  let revision = -1;
  for (const e of events) {
    if (Date.parse(e.metadata.recordedAt) > Date.parse(instant)) continue;
    state = evolveClaim(state, { type: e.type, data: e.data } as ClaimFoldEvent);
    if (e.streamId === `claim-${claimId}`) revision = e.revision;
  }
  return { state, revision };
};

describe('as-of answers and history (replayed from the events)', () => {
  let t: TestApp;
  let store: EventStore;

  beforeAll(async () => {
    t = await startTestApp({ clock: new SteppingClock() });
    store = t.app.get<typeof EVENT_STORE, EventStore>(EVENT_STORE);
  });
  afterAll(() => t.close());

  const touching = async (claimId: string, patientId: string): Promise<RecordedEvent[]> => {
    const own = await store.readStream(`claim-${claimId}`);
    const patient = (await store.readStream(`patient-${patientId}`)).filter((e) => touchesClaim({ type: e.type, data: e.data } as PatientEvent, claimId));
    return [...own, ...patient].sort((a, b) => (a.position < b.position ? -1 : 1));
  };

  it('a claim with a long life: at each recorded instant the claim, patient and payer balances equal the fold of the events up to it', async () => {
    const { claimId, patientId, payerId } = await submittedClaim(t.http);
    const post = (path: string, body: object) => t.http.post(`/claims/${claimId}/${path}`).send(body).expect(201);
    await post('denials', denialBody());
    await post('corrections', { reason: 'added the referring provider' });
    await post('resubmissions', {});
    const firstRemittance = remittanceBody();
    await post('remittances', firstRemittance);
    await post(`remittances/${firstRemittance.remittanceId}/reversal`, {});
    await post('remittances', remittanceBody());
    await t.http
      .post(`/patients/${patientId}/payments`)
      .send({ paymentId: uid('pay'), amountCents: 2_500, method: 'cash', allocations: [{ claimId, amountCents: 1_500 }] })
      .expect(201);
    await post('write-offs', { amountCents: 500, from: 'patient', reason: 'small_balance' });

    const events = await touching(claimId, patientId);
    expect(events.length).toBe(9);
    const statuses = new Set<string>();
    for (const event of events) {
      const instant = event.metadata.recordedAt;
      const { state, revision } = foldUpTo(events, claimId, instant);
      const expected = toClaimView(state!, revision);
      statuses.add(expected.status);
      const claim = await t.http.get(`/claims/${claimId}`).query({ asOf: instant }).expect(200);
      expect(claim.body).toEqual(expected);
      expect(claim.headers['etag']).toBe(`"${revision}"`);
      const byPosition = await t.http.get(`/claims/${claimId}`).query({ position: String(event.position) }).expect(200);
      expect(byPosition.body).toEqual(expected);

      const patient = await t.http.get(`/patients/${patientId}/balance`).query({ asOf: instant }).expect(200);
      const patientEvents = (await store.readStream(`patient-${patientId}`)).filter((e) => Date.parse(e.metadata.recordedAt) <= Date.parse(instant));
      const creditCents = patientEvents.reduce(
        (sum, e) => sum + (e.data as { amountCents: number }).amountCents - (e.data as { allocations: Array<{ amountCents: number }> }).allocations.reduce((a, x) => a + x.amountCents, 0),
        0,
      );
      expect(patient.body).toMatchObject({ patientId, unallocatedCreditCents: creditCents, balanceCents: expected.balances.patientBalanceCents - creditCents });

      const payer = await t.http.get(`/payers/${payerId}/balance`).query({ asOf: instant }).expect(200);
      expect(payer.body.payerBalanceCents).toBe(expected.balances.payerBalanceCents);
      expect(payer.body.asOf).toBe(instant);
    }
    expect([...statuses].sort()).toEqual(['closed', 'corrected', 'denied', 'paid', 'submitted']);
    const before = await t.http.get(`/claims/${claimId}`).query({ asOf: '2026-01-01T00:00:00Z' });
    expect(before.status).toBe(404);
  });

  it('history: allocated patient payments in global order, and the last stateAfter equals GET /claims/{id} (property)', async () => {
    type Step = { kind: 'deny' | 'remit' | 'pay' | 'write-off' | 'reverse' | 'fix'; cents: number };
    const step = fc.record({ kind: fc.constantFrom<Step['kind']>('deny', 'remit', 'pay', 'write-off', 'reverse', 'fix'), cents: fc.integer({ min: 1, max: 2_500 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        const { claimId, patientId } = await submittedClaim(t.http);
        let remitted: string | null = null;
        for (const s of steps) {
          if (s.kind === 'deny') await t.http.post(`/claims/${claimId}/denials`).send(denialBody());
          if (s.kind === 'fix') {
            await t.http.post(`/claims/${claimId}/corrections`).send({ reason: 'fix' });
            await t.http.post(`/claims/${claimId}/resubmissions`).send({});
          }
          if (s.kind === 'remit') {
            const body = remittanceBody();
            if ((await t.http.post(`/claims/${claimId}/remittances`).send(body)).status === 201) remitted = body.remittanceId;
          }
          if (s.kind === 'reverse' && remitted) await t.http.post(`/claims/${claimId}/remittances/${remitted}/reversal`).send({});
          if (s.kind === 'pay') {
            await t.http
              .post(`/patients/${patientId}/payments`)
              .send({ paymentId: uid('pay'), amountCents: s.cents, method: 'card', allocations: [{ claimId, amountCents: Math.min(s.cents, 2_000) }] });
          }
          if (s.kind === 'write-off') await t.http.post(`/claims/${claimId}/write-offs`).send({ amountCents: s.cents, from: 'payer', reason: 'administrative' });
        }
        const current = await t.http.get(`/claims/${claimId}`).expect(200);
        const pages: Array<{ position: string; streamId: string; stateAfter: unknown }> = [];
        let cursor: string | undefined;
        do {
          const page = await t.http.get(`/claims/${claimId}/history`).query({ limit: 3, ...(cursor && { cursor }) }).expect(200);
          pages.push(...page.body.events);
          cursor = page.body.nextCursor;
        } while (cursor);
        const expected = await touching(claimId, patientId);
        expect(pages.map((e) => e.position)).toEqual(expected.map((e) => String(e.position)));
        expect(pages.map((e) => e.streamId)).toEqual(expected.map((e) => e.streamId));
        expect(pages[pages.length - 1]?.stateAfter).toEqual(current.body);
      }),
      { numRuns: 15 },
    );
  });
});
