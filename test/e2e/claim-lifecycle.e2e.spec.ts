import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store';
import {
  denialBody,
  encounterBody,
  expectConserved,
  paidClaim,
  remittanceBody,
  serviceLines,
  startTestApp,
  submittedClaim,
  TOTAL_CHARGE_CENTS,
  uid,
  type Balances,
  type ClaimViewBody,
  type TestApp,
} from '../support/test-app';

/**
 * One claim's whole life over real HTTP on a real SQLite file:
 * coded → submitted → denied (CO-16, N130) → corrected → resubmitted → paid (CO-45, PR-2)
 * → patient pays 1500 → patient write-off 500 → closed.
 */

const DAY_MS = 86_400_000;
const daysAgo = (days: number): string => new Date(Date.now() - days * DAY_MS).toISOString();

type StepName = 'submitted' | 'denied' | 'corrected' | 'resubmitted' | 'remitted' | 'patientPaid' | 'writtenOff';

interface Step {
  name: StepName;
  actor: string;
  correlationId: string;
  /** Events the step appended (store head before and after). */
  appended: number;
  /** The POST's answer. */
  post: { status: number; etag: string | undefined; body: unknown };
  /** GET /claims/{id} right after (read-your-writes). */
  get: { status: number; etag: string | undefined; body: ClaimViewBody };
  patientBalance: { status: number; body: { balanceCents: number; unallocatedCreditCents: number; claims: Array<{ claimId: string; status: string; patientBalanceCents: number }> } };
  payerBalance: { status: number; body: { payerBalanceCents: number; claimCount: number; aging: Record<string, number> } };
}

const balances = (b: Partial<Balances>): Balances => ({
  chargesCents: TOTAL_CHARGE_CENTS,
  payerPaidCents: 0,
  contractualAdjustmentCents: 0,
  patientResponsibilityCents: 0,
  patientPaidCents: 0,
  writeOffCents: 0,
  payerBalanceCents: TOTAL_CHARGE_CENTS,
  patientBalanceCents: 0,
  balanceCents: TOTAL_CHARGE_CENTS,
  ...b,
});

const AFTER_REMITTANCE = balances({
  payerPaidCents: 12_000,
  contractualAdjustmentCents: 6_000,
  patientResponsibilityCents: 2_000,
  payerBalanceCents: 0,
  patientBalanceCents: 2_000,
  balanceCents: 2_000,
});

const EXPECTED: Record<StepName, { status: string; revision: number; submissionCount: number; appended: number; balances: Balances }> = {
  submitted: { status: 'submitted', revision: 0, submissionCount: 1, appended: 2, balances: balances({}) },
  denied: { status: 'denied', revision: 1, submissionCount: 1, appended: 1, balances: balances({}) },
  corrected: { status: 'corrected', revision: 2, submissionCount: 1, appended: 1, balances: balances({}) },
  resubmitted: { status: 'submitted', revision: 3, submissionCount: 2, appended: 1, balances: balances({}) },
  remitted: { status: 'paid', revision: 4, submissionCount: 2, appended: 1, balances: AFTER_REMITTANCE },
  // A patient payment is on the patient's stream: the claim's own revision does not move.
  patientPaid: {
    status: 'paid',
    revision: 4,
    submissionCount: 2,
    appended: 1,
    balances: { ...AFTER_REMITTANCE, patientPaidCents: 1_500, patientBalanceCents: 500, balanceCents: 500 },
  },
  writtenOff: {
    status: 'closed',
    revision: 5,
    submissionCount: 2,
    appended: 1,
    balances: { ...AFTER_REMITTANCE, patientPaidCents: 1_500, writeOffCents: 500, patientBalanceCents: 0, balanceCents: 0 },
  },
};

const STEP_ORDER: StepName[] = ['submitted', 'denied', 'corrected', 'resubmitted', 'remitted', 'patientPaid', 'writtenOff'];

describe('claim lifecycle over HTTP', () => {
  let t: TestApp;
  const steps = new Map<StepName, Step>();
  const encounter = encounterBody();
  const claimId = uid('clm');
  const payerId = uid('payer');
  const { encounterId, patientId } = encounter;
  const denialRemittanceId = uid('era-denial');
  const paymentRemittanceId = uid('era-paid');
  const paymentId = uid('pay');
  let codedResponse: { status: number; body: unknown; appended: number };

  beforeAll(async () => {
    t = await startTestApp();
    const before = await t.eventCount();
    const coded = await t.http.post('/encounters').set('X-Actor', 'coder.ann').set('X-Correlation-Id', 'corr-coded').send(encounter);
    codedResponse = { status: coded.status, body: coded.body, appended: (await t.eventCount()) - before };

    const run = async (name: StepName, actor: string, send: (headers: Record<string, string>) => Promise<{ status: number; headers: Record<string, string>; body: unknown }>) => {
      const correlationId = `corr-${name}-${claimId}`;
      const head = await t.eventCount();
      const post = await send({ 'X-Actor': actor, 'X-Correlation-Id': correlationId });
      const appended = (await t.eventCount()) - head;
      const get = await t.http.get(`/claims/${claimId}`);
      const patientBalance = await t.http.get(`/patients/${patientId}/balance`);
      const payerBalance = await t.http.get(`/payers/${payerId}/balance`);
      steps.set(name, {
        name,
        actor,
        correlationId,
        appended,
        post: { status: post.status, etag: post.headers['etag'], body: post.body },
        get: { status: get.status, etag: get.headers['etag'], body: get.body },
        patientBalance: { status: patientBalance.status, body: patientBalance.body },
        payerBalance: { status: payerBalance.status, body: payerBalance.body },
      });
    };

    await run('submitted', 'biller.bob', (h) => t.http.post('/claims').set(h).send({ claimId, encounterId, payerId, memberId: 'MBR-77' }));
    await run('denied', 'era.bot', (h) => t.http.post(`/claims/${claimId}/denials`).set(h).send(denialBody(denialRemittanceId)));
    await run('corrected', 'biller.cy', (h) =>
      t.http
        .post(`/claims/${claimId}/corrections`)
        .set(h)
        .send({ diagnoses: ['E11.9', 'I10'], lines: serviceLines(), reason: 'attached the documentation the payer asked for' }),
    );
    await run('resubmitted', 'biller.cy', (h) => t.http.post(`/claims/${claimId}/resubmissions`).set(h).send({}));
    await run('remitted', 'era.bot', (h) =>
      t.http
        .post(`/claims/${claimId}/remittances`)
        .set(h)
        .send({ ...remittanceBody(paymentRemittanceId), receivedAt: '2026-03-20T00:00:00.000Z' }),
    );
    await run('patientPaid', 'frontdesk.dee', (h) =>
      t.http
        .post(`/patients/${patientId}/payments`)
        .set(h)
        .send({ paymentId, amountCents: 1_500, method: 'card', allocations: [{ claimId, amountCents: 1_500 }] }),
    );
    await run('writtenOff', 'manager.eve', (h) =>
      t.http.post(`/claims/${claimId}/write-offs`).set(h).send({ amountCents: 500, from: 'patient', reason: 'small_balance' }),
    );
  });

  afterAll(async () => {
    await t?.close();
  });

  it('codes the encounter: 201, one EncounterCoded event, and the encounter is then billed on the claim', async () => {
    expect(codedResponse.status).toBe(201);
    expect(codedResponse.appended).toBe(1);
    expect(codedResponse.body).toMatchObject({ encounterId, patientId, providerNpi: '1234567893', diagnoses: ['E11.9', 'I10'], claimId: null });
    const now = await t.http.get(`/encounters/${encounterId}`).expect(200);
    expect(now.body).toMatchObject({ encounterId, claimId });
  });

  describe.each(STEP_ORDER)('after %s', (name) => {
    const step = (): Step => {
      const s = steps.get(name);
      if (!s) throw new Error(`step ${name} did not run`);
      return s;
    };
    const expected = EXPECTED[name];

    it('the POST succeeds and appends exactly its events', () => {
      expect({ status: step().post.status, body: step().post.body }).toMatchObject({ status: 201 });
      expect(step().appended).toBe(expected.appended);
    });

    it('the POST answer carries the status and every balance', () => {
      const body = step().post.body as Record<string, unknown>;
      if (name === 'patientPaid') {
        // A patient payment answers with the patient's balance, listing this claim.
        expect(body).toMatchObject({ paymentId, patientId, unallocatedCreditCents: 0, balanceCents: expected.balances.patientBalanceCents });
        expect(body['claims']).toEqual([expect.objectContaining({ claimId, status: expected.status, patientBalanceCents: expected.balances.patientBalanceCents })]);
        expect(step().post.etag).toBeUndefined();
        return;
      }
      expect(body).toMatchObject({ claimId, patientId, payerId, encounterId, status: expected.status, revision: expected.revision, submissionCount: expected.submissionCount });
      expect(body['balances']).toEqual(expected.balances);
      expectConserved(body['balances'] as Balances);
      expect(step().post.etag).toBe(`"${expected.revision}"`);
    });

    it('a GET right after reads the write (status, every balance, ETag = "revision")', () => {
      const { get } = step();
      expect(get.status).toBe(200);
      expect(get.body).toMatchObject({ claimId, status: expected.status, revision: expected.revision, submissionCount: expected.submissionCount });
      expect(get.body.balances).toEqual(expected.balances);
      expectConserved(get.body.balances);
      expect(get.etag).toBe(`"${get.body.revision}"`);
    });

    it('the patient and payer balances agree with the claim', () => {
      const { patientBalance, payerBalance } = step();
      expect(patientBalance.status).toBe(200);
      expect(patientBalance.body.balanceCents).toBe(expected.balances.patientBalanceCents);
      expect(patientBalance.body.claims).toEqual([expect.objectContaining({ claimId, status: expected.status, patientBalanceCents: expected.balances.patientBalanceCents })]);
      expect(payerBalance.status).toBe(200);
      expect(payerBalance.body.payerBalanceCents).toBe(expected.balances.payerBalanceCents);
      expect(payerBalance.body.claimCount).toBe(expected.balances.payerBalanceCents === 0 ? 0 : 1);
      expect(payerBalance.body.aging['0-30']).toBe(expected.balances.payerBalanceCents);
    });
  });

  describe('GET /claims/{id}/history', () => {
    type Entry = {
      position: string;
      revision: number;
      streamId: string;
      type: string;
      recordedAt: string;
      actor: string;
      correlationId: string;
      causationId: string;
      data: Record<string, unknown>;
      stateAfter: ClaimViewBody;
    };
    let events: Entry[];

    beforeAll(async () => {
      const response = await t.http.get(`/claims/${claimId}/history`).expect(200);
      expect(response.body.claimId).toBe(claimId);
      events = response.body.events;
    });

    it('lists every event that touched the claim, in global order', () => {
      expect(events.map((e) => e.type)).toEqual([
        'ClaimSubmitted',
        'DenialReceived',
        'ClaimCorrected',
        'ClaimResubmitted',
        'RemittancePosted',
        'PatientPaymentReceived',
        'WriteOffPosted',
      ]);
      const positions = events.map((e) => BigInt(e.position));
      positions.forEach((p, i) => {
        if (i > 0) expect(p > (positions[i - 1] as bigint)).toBe(true);
      });
      expect(events.map((e) => e.streamId)).toEqual([
        ...Array(5).fill(`claim-${claimId}`),
        `patient-${patientId}`,
        `claim-${claimId}`,
      ]);
    });

    it('records who acted (X-Actor), the correlation id and a causation id on each event', () => {
      STEP_ORDER.forEach((name, i) => {
        const step = steps.get(name);
        const event = events[i];
        expect(event).toBeDefined();
        expect(event?.actor).toBe(step?.actor);
        expect(event?.correlationId).toBe(step?.correlationId);
        expect(typeof event?.causationId).toBe('string');
        expect(event?.causationId.length).toBeGreaterThan(0);
        expect(Number.isNaN(Date.parse(event?.recordedAt ?? ''))).toBe(false);
      });
    });

    it('carries the state after each event, matching what the API answered at that step', () => {
      STEP_ORDER.forEach((name, i) => {
        const after = events[i]?.stateAfter;
        expect(after).toMatchObject({ claimId, status: EXPECTED[name].status, revision: EXPECTED[name].revision });
        expect(after?.balances).toEqual(EXPECTED[name].balances);
      });
    });

    it('keeps the event data as posted (business dates taken as given)', () => {
      expect(events[1]?.data).toMatchObject({ remittanceId: denialRemittanceId, adjustments: [{ group: 'CO', reason: '16', amountCents: TOTAL_CHARGE_CENTS }], remarks: ['N130'] });
      expect(events[4]?.data).toMatchObject({ remittanceId: paymentRemittanceId, paidCents: 12_000, receivedAt: '2026-03-20T00:00:00.000Z' });
      expect(events[5]?.data).toMatchObject({ paymentId, amountCents: 1_500, allocations: [{ claimId, amountCents: 1_500 }] });
      expect(events[6]?.data).toMatchObject({ amountCents: 500, from: 'patient', reason: 'small_balance' });
    });

    it('pages with a cursor without losing or repeating an event', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const response = await t.http.get(`/claims/${claimId}/history`).query({ limit: 3, ...(cursor !== undefined && { cursor }) }).expect(200);
        seen.push(...(response.body.events as Entry[]).map((e) => e.position));
        cursor = response.body.nextCursor;
        if (cursor === undefined) break;
      }
      expect(seen).toEqual(events.map((e) => e.position));
    });

    it('GET /claims/{id}?position=N replays the claim as it stood then', async () => {
      const denial = events[1];
      const correction = events[2];
      const atDenial = await t.http.get(`/claims/${claimId}`).query({ position: denial?.position }).expect(200);
      expect(atDenial.body).toMatchObject({ claimId, status: 'denied', revision: 1 });
      expect(atDenial.body.balances).toEqual(EXPECTED.denied.balances);
      expect(atDenial.headers['etag']).toBe('"1"');
      const atCorrection = await t.http.get(`/claims/${claimId}`).query({ position: correction?.position }).expect(200);
      expect(atCorrection.body).toMatchObject({ status: 'corrected', revision: 2 });
      // At the patient payment the claim stream is still at revision 4, with the payment applied.
      const atPayment = await t.http.get(`/claims/${claimId}`).query({ position: events[5]?.position }).expect(200);
      expect(atPayment.body).toMatchObject({ status: 'paid', revision: 4 });
      expect(atPayment.body.balances).toEqual(EXPECTED.patientPaid.balances);
      // And the current answer is unchanged by the replays.
      const now = await t.http.get(`/claims/${claimId}`).expect(200);
      expect(now.body.status).toBe('closed');
    });

    it('GET /claims/{id}?position= before the claim existed is a 404', async () => {
      const first = BigInt(events[0]?.position ?? '1');
      const response = await t.http.get(`/claims/${claimId}`).query({ position: String(first - 1n) });
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('GET /patients/{id}/balance?position= replays the patient balance too', async () => {
      const atRemittance = await t.http.get(`/patients/${patientId}/balance`).query({ position: events[4]?.position }).expect(200);
      expect(atRemittance.body).toMatchObject({ patientId, balanceCents: 2_000, unallocatedCreditCents: 0 });
    });
  });

  it('GET /claims/{id}/denials lists the denial with its codes, amounts, remarks, submission and that it was overturned', async () => {
    const response = await t.http.get(`/claims/${claimId}/denials`).expect(200);
    expect(response.body.claimId).toBe(claimId);
    expect(response.body.denials).toEqual([
      expect.objectContaining({
        remittanceId: denialRemittanceId,
        submissionNumber: 1,
        lineNumbers: null,
        adjustments: [{ group: 'CO', reason: '16', amountCents: TOTAL_CHARGE_CENTS }],
        remarks: ['N130'],
        overturned: true,
      }),
    ]);
  });

  it('GET /claims/{id}/denials on an unknown claim is a 404', async () => {
    const response = await t.http.get(`/claims/${uid('nope')}/denials`);
    expect(response.status).toBe(404);
  });

  it('GET /patients/{id}/balance at the end: nothing owed', async () => {
    const response = await t.http.get(`/patients/${patientId}/balance`).expect(200);
    expect(response.body).toMatchObject({ patientId, balanceCents: 0, unallocatedCreditCents: 0 });
    expect(response.body.claims).toEqual([expect.objectContaining({ claimId, status: 'closed', patientBalanceCents: 0 })]);
  });

  describe('across several claims', () => {
    const worklistPayer = uid('payer-wl');
    const agingPayer = uid('payer-aging');
    const closedIds: string[] = [];
    let openId = '';
    let otherPayerClosedId = '';

    beforeAll(async () => {
      const close = async (id: string) =>
        t.http.post(`/claims/${id}/write-offs`).send({ amountCents: TOTAL_CHARGE_CENTS, from: 'payer', reason: 'administrative' }).expect(201);
      for (let i = 0; i < 5; i++) {
        const { claimId: id } = await submittedClaim(t.http, { payerId: worklistPayer });
        await close(id);
        closedIds.push(id);
      }
      openId = (await submittedClaim(t.http, { payerId: worklistPayer })).claimId;
      const other = await submittedClaim(t.http);
      await close(other.claimId);
      otherPayerClosedId = other.claimId;
    });

    it('GET /claims?status=closed&payerId= pages the worklist by cursor: every closed claim once, nothing else', async () => {
      const seen: string[] = [];
      const pageSizes: number[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const response = await t.http
          .get('/claims')
          .query({ status: 'closed', payerId: worklistPayer, limit: 2, ...(cursor !== undefined && { cursor }) })
          .expect(200);
        const claims = response.body.claims as Array<{ claimId: string; status: string; payerId: string; balanceCents: number }>;
        for (const c of claims) expect(c).toMatchObject({ status: 'closed', payerId: worklistPayer, balanceCents: 0 });
        seen.push(...claims.map((c) => c.claimId));
        pageSizes.push(claims.length);
        cursor = response.body.nextCursor;
        if (cursor === undefined) break;
      }
      expect(pageSizes).toEqual([2, 2, 1]);
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual([...closedIds].sort());
      expect(seen).not.toContain(openId);
      expect(seen).not.toContain(otherPayerClosedId);
    });

    it('GET /claims?status=submitted&payerId= lists the open one', async () => {
      const response = await t.http.get('/claims').query({ status: 'submitted', payerId: worklistPayer }).expect(200);
      expect(response.body.claims.map((c: { claimId: string }) => c.claimId)).toEqual([openId]);
      expect(response.body.nextCursor).toBeUndefined();
    });

    it('GET /claims with an unknown status or a bad limit is a 400 problem', async () => {
      const badStatus = await t.http.get('/claims').query({ status: 'lost' });
      expect(badStatus.status).toBe(400);
      expect(badStatus.headers['content-type']).toMatch(/^application\/problem\+json/);
      const badLimit = await t.http.get('/claims').query({ limit: 0 });
      expect(badLimit.status).toBe(400);
    });

    it('GET /payers/{id}/balance ages payer A/R by days since first submission; a denial stays in payer A/R', async () => {
      await submittedClaim(t.http, { payerId: agingPayer, submittedAt: daysAgo(10) });
      await paidClaim(t.http, { payerId: agingPayer, submittedAt: daysAgo(45) }); // payer balance 0: not aged
      const denied = await submittedClaim(t.http, { payerId: agingPayer, submittedAt: daysAgo(75) });
      await t.http.post(`/claims/${denied.claimId}/denials`).send(denialBody()).expect(201);
      await submittedClaim(t.http, { payerId: agingPayer, submittedAt: daysAgo(105) });
      const old = await submittedClaim(t.http, { payerId: agingPayer, submittedAt: daysAgo(200) });
      await t.http.post(`/claims/${old.claimId}/write-offs`).send({ amountCents: 5_000, from: 'payer', reason: 'timely_filing' }).expect(201);

      const response = await t.http.get(`/payers/${agingPayer}/balance`).expect(200);
      expect(response.body).toMatchObject({ payerId: agingPayer, payerBalanceCents: 75_000, claimCount: 4 });
      expect(response.body.aging).toEqual({ '0-30': 20_000, '31-60': 0, '61-90': 20_000, '91-120': 20_000, '121+': 15_000 });
    });

    it('GET /payers/{id}/balance for a payer with no claims is a 404', async () => {
      const response = await t.http.get(`/payers/${uid('payer-none')}/balance`);
      expect(response.status).toBe(404);
    });

    it('GET /denials?payerId= aggregates per CARC: count, denied cents, overturned', async () => {
      // A second claim of the lifecycle payer is denied CO-16 and stays denied.
      const second = await submittedClaim(t.http, { payerId });
      await t.http.post(`/claims/${second.claimId}/denials`).send(denialBody()).expect(201);
      const response = await t.http.get('/denials').query({ payerId }).expect(200);
      expect(response.body.aggregates).toEqual([
        expect.objectContaining({ payerId, group: 'CO', reason: '16', denialCount: 2, deniedCents: 2 * TOTAL_CHARGE_CENTS, overturnedCount: 1 }),
      ]);
      const byReason = await t.http.get('/denials').query({ payerId, reason: '16' }).expect(200);
      expect(byReason.body.aggregates).toHaveLength(1);
      const otherReason = await t.http.get('/denials').query({ payerId, reason: '45' }).expect(200);
      expect(otherReason.body.aggregates).toEqual([]);
    });
  });

  it('GET /health reports the store in use, its head, and no projection lag', async () => {
    const response = await t.http.get('/health').expect(200);
    expect(response.body.status).toBe('ok');
    const head = await t.app.get<typeof EVENT_STORE, EventStore>(EVENT_STORE).headPosition();
    expect(response.body.store).toEqual({ kind: t.storeKind, headPosition: String(head) });
    if (t.storeKind === 'sqlite') expect(response.body.store.headPosition).toBe(String(await t.eventCount()));
    const names = (response.body.projections as Array<{ name: string; lag: string }>).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['claims', 'denials', 'patient-accounts']));
    for (const projection of response.body.projections as Array<{ lag: string }>) expect(projection.lag).toBe('0');
  });

  it('serves the OpenAPI document at /docs/openapi.json and the UI at /docs', async () => {
    const json = await t.http.get('/docs/openapi.json').expect(200);
    expect(json.headers['content-type']).toMatch(/json/);
    expect(json.body.openapi).toMatch(/^3\./);
    expect(Object.keys(json.body.paths)).toEqual(
      expect.arrayContaining(['/encounters', '/claims', '/claims/{claimId}', '/claims/{claimId}/remittances', '/patients/{patientId}/payments', '/health']),
    );
    const ui = await t.http.get('/docs').expect(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
  });
});
