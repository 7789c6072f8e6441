import type { Response } from 'supertest';
import {
  claimBody,
  denialBody,
  encounterBody,
  expectConserved,
  expectProblem,
  paidClaim,
  remittanceBody,
  startTestApp,
  submittedClaim,
  TOTAL_CHARGE_CENTS,
  uid,
  type Balances,
  type TestApp,
} from '../support/test-app';

/**
 * Retries with an Idempotency-Key answer as the first time and append nothing; commands that race
 * on one claim or one patient never both win, and never leave a balance the rules forbid.
 */

describe('idempotency and concurrency over HTTP', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  interface RetryCase {
    name: string;
    /** Builds the state the command needs; returns the path, a body, and another body for the same path. */
    prepare: () => Promise<{ path: string; body: object; otherBody: object; appends: number }>;
  }

  const cases: RetryCase[] = [
    {
      name: 'POST /encounters',
      prepare: async () => {
        const body = encounterBody();
        return { path: '/encounters', body, otherBody: { ...body, dateOfService: '2026-03-03' }, appends: 1 };
      },
    },
    {
      name: 'POST /claims',
      prepare: async () => {
        const encounter = encounterBody();
        await t.http.post('/encounters').send(encounter).expect(201);
        const body = claimBody(encounter.encounterId);
        return { path: '/claims', body, otherBody: { ...body, memberId: 'MBR-OTHER' }, appends: 2 };
      },
    },
    {
      name: 'POST /claims/{id}/remittances',
      prepare: async () => {
        const { claimId } = await submittedClaim(t.http);
        const body = remittanceBody();
        return { path: `/claims/${claimId}/remittances`, body, otherBody: { ...body, remarks: ['N130'] }, appends: 1 };
      },
    },
    {
      name: 'POST /patients/{id}/payments',
      prepare: async () => {
        const { claimId, patientId } = await paidClaim(t.http);
        const body = { paymentId: uid('pay'), amountCents: 1_500, method: 'card', allocations: [{ claimId, amountCents: 1_500 }] };
        return { path: `/patients/${patientId}/payments`, body, otherBody: { ...body, amountCents: 1_600 }, appends: 1 };
      },
    },
  ];

  describe.each(cases)('$name with an Idempotency-Key', ({ prepare }) => {
    it('a retry returns the same status and body and appends nothing', async () => {
      const { path, body, appends } = await prepare();
      const key = uid('key');
      const before = await t.eventCount();
      const first = await t.http.post(path).set('Idempotency-Key', key).set('X-Actor', 'biller.bob').send(body);
      expect(first.status).toBe(201);
      expect(await t.eventCount()).toBe(before + appends);

      for (let retry = 0; retry < 2; retry++) {
        const again = await t.http.post(path).set('Idempotency-Key', key).set('X-Actor', 'biller.bob').send(body);
        expect(again.status).toBe(first.status);
        expect(again.body).toEqual(first.body);
        expect(again.headers['etag']).toBe(first.headers['etag']);
        expect(again.headers['location']).toBe(first.headers['location']);
      }
      expect(await t.eventCount()).toBe(before + appends);
    });

    it('the same key with a different body is a 422 and appends nothing', async () => {
      const { path, body, otherBody } = await prepare();
      const key = uid('key');
      await t.http.post(path).set('Idempotency-Key', key).send(body).expect(201);
      const before = await t.eventCount();
      expectProblem(await t.http.post(path).set('Idempotency-Key', key).send(otherBody), 422);
      expect(await t.eventCount()).toBe(before);
    });

    it('the same key fired twice at once appends once; any second answer is the first one or a 409', async () => {
      const { path, body, appends } = await prepare();
      const key = uid('key');
      const before = await t.eventCount();
      const answers = await Promise.all([0, 1].map(() => t.http.post(path).set('Idempotency-Key', key).send(body)));
      const ok = answers.filter((a) => a.status === 201);
      expect(ok.length).toBeGreaterThanOrEqual(1);
      for (const a of answers) if (a.status !== 201) expectProblem(a, 409);
      if (ok.length === 2) expect(ok[1]?.body).toEqual(ok[0]?.body);
      expect(await t.eventCount()).toBe(before + appends);
    });
  });

  it('a retried remittance returns the first answer even after the claim moved on', async () => {
    const { claimId, patientId } = await submittedClaim(t.http);
    const key = uid('key');
    const body = remittanceBody();
    const first = await t.http.post(`/claims/${claimId}/remittances`).set('Idempotency-Key', key).send(body).expect(201);
    expect(first.body.status).toBe('paid');
    await t.http
      .post(`/patients/${patientId}/payments`)
      .send({ paymentId: uid('pay'), amountCents: 2_000, method: 'cash', allocations: [{ claimId, amountCents: 2_000 }] })
      .expect(201);
    const before = await t.eventCount();
    const again = await t.http.post(`/claims/${claimId}/remittances`).set('Idempotency-Key', key).send(body);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await t.eventCount()).toBe(before);
    const now = await t.http.get(`/claims/${claimId}`).expect(200);
    expect(now.body.status).toBe('closed');
  });

  it('a key used on one path is not replayed on another', async () => {
    const { claimId } = await submittedClaim(t.http);
    const key = uid('key');
    await t.http.post(`/claims/${claimId}/write-offs`).set('Idempotency-Key', key).send({ amountCents: 100, from: 'payer', reason: 'charity' }).expect(201);
    const before = await t.eventCount();
    expectProblem(await t.http.post(`/claims/${claimId}/denials`).set('Idempotency-Key', key).send(denialBody()), 422);
    expect(await t.eventCount()).toBe(before);
  });

  describe('two conflicting commands on one claim at once: exactly one wins', () => {
    /** Fires both at once; checks one 201 and one problem (409 or 422); returns them. */
    const race = async (send: Array<() => PromiseLike<Response>>, appendsOfWinner: number): Promise<{ winner: Response; loser: Response }> => {
      const before = await t.eventCount();
      const answers = await Promise.all(send.map((s) => s()));
      const winners = answers.filter((a) => a.status === 201);
      const losers = answers.filter((a) => a.status !== 201);
      expect(answers.map((a) => a.status).sort()).toEqual([201, expect.any(Number)]);
      expect(winners).toHaveLength(1);
      const loser = losers[0] as Response;
      expectProblem(loser, [409, 422]);
      expect(await t.eventCount()).toBe(before + appendsOfWinner);
      return { winner: winners[0] as Response, loser };
    };

    it('two payer write-offs, each for the whole payer balance', async () => {
      const { claimId } = await submittedClaim(t.http);
      const writeOff = () => t.http.post(`/claims/${claimId}/write-offs`).send({ amountCents: TOTAL_CHARGE_CENTS, from: 'payer', reason: 'timely_filing' });
      await race([writeOff, writeOff], 1);
      const now = await t.http.get(`/claims/${claimId}`).expect(200);
      expect(now.body.status).toBe('closed');
      expect(now.body.balances).toMatchObject({ writeOffCents: TOTAL_CHARGE_CENTS, payerBalanceCents: 0, balanceCents: 0 });
      expectConserved(now.body.balances);
    });

    it('two denials with different remittance ids', async () => {
      const { claimId } = await submittedClaim(t.http);
      const deny = () => t.http.post(`/claims/${claimId}/denials`).send(denialBody());
      const { winner } = await race([deny, deny], 1);
      expect(winner.body.status).toBe('denied');
      const denials = await t.http.get(`/claims/${claimId}/denials`).expect(200);
      expect(denials.body.denials).toHaveLength(1);
    });

    it('two remittances with different ids paying the same lines', async () => {
      const { claimId } = await submittedClaim(t.http);
      const remit = () => t.http.post(`/claims/${claimId}/remittances`).send(remittanceBody());
      await race([remit, remit], 1);
      const now = await t.http.get(`/claims/${claimId}`).expect(200);
      expect(now.body.balances).toMatchObject({ payerPaidCents: 12_000, contractualAdjustmentCents: 6_000, patientResponsibilityCents: 2_000 });
      expectConserved(now.body.balances);
    });

    it('a denial and a remittance for the same submission', async () => {
      const { claimId } = await submittedClaim(t.http);
      // A denied claim may still be paid on appeal, so both may land; paid twice it may never be.
      const before = await t.eventCount();
      const [denial, remittance] = await Promise.all([
        t.http.post(`/claims/${claimId}/denials`).send(denialBody()),
        t.http.post(`/claims/${claimId}/remittances`).send(remittanceBody()),
      ]);
      const accepted = [denial, remittance].filter((a) => a.status === 201).length;
      for (const a of [denial, remittance]) if (a.status !== 201) expectProblem(a, [409, 422]);
      expect(accepted).toBeGreaterThanOrEqual(1);
      expect(await t.eventCount()).toBe(before + accepted);
      const now = await t.http.get(`/claims/${claimId}`).expect(200);
      expectConserved(now.body.balances);
      expect(now.body.balances.payerPaidCents).toBe(remittance.status === 201 ? 12_000 : 0);
    });

    it('two claims for one encounter, with different claim ids', async () => {
      const encounter = encounterBody();
      await t.http.post('/encounters').send(encounter).expect(201);
      const submit = () => t.http.post('/claims').send(claimBody(encounter.encounterId));
      const { winner } = await race([submit, submit], 2);
      const billed = await t.http.get(`/encounters/${encounter.encounterId}`).expect(200);
      expect(billed.body.claimId).toBe(winner.body.claimId);
      const list = await t.http.get('/claims').query({ patientId: encounter.patientId }).expect(200);
      expect(list.body.claims.map((c: { claimId: string }) => c.claimId)).toEqual([winner.body.claimId]);
    });

    it('two claims with the same claim id, for encounters of two different patients', async () => {
      const a = encounterBody();
      const b = encounterBody();
      await t.http.post('/encounters').send(a).expect(201);
      await t.http.post('/encounters').send(b).expect(201);
      const claimId = uid('clm');
      // Encounter billed + claim submitted for the winner; nothing at all for the loser.
      const { winner, loser } = await race(
        [() => t.http.post('/claims').send(claimBody(a.encounterId, { claimId })), () => t.http.post('/claims').send(claimBody(b.encounterId, { claimId }))],
        2,
      );
      expect(loser.status).toBe(409);
      const losingEncounter = winner.body.encounterId === a.encounterId ? b.encounterId : a.encounterId;
      // The loser's encounter is not left reserved by a claim that is not its own: it can still be billed.
      const encounter = await t.http.get(`/encounters/${losingEncounter}`).expect(200);
      expect(encounter.body.claimId).toBeNull();
      await t.http.post('/claims').send(claimBody(losingEncounter)).expect(201);
    });

    it('two encounters with the same id (no Idempotency-Key)', async () => {
      const encounter = encounterBody();
      const code = () => t.http.post('/encounters').send(encounter);
      const { loser } = await race([code, code], 1);
      expect(loser.status).toBe(409);
    });

    it('two write-offs pinned to the same If-Match revision', async () => {
      const { claimId } = await submittedClaim(t.http);
      const before = await t.eventCount();
      const writeOff = () => t.http.post(`/claims/${claimId}/write-offs`).set('If-Match', '"0"').send({ amountCents: 1_000, from: 'payer', reason: 'administrative' });
      const answers = await Promise.all([writeOff(), writeOff()]);
      expect(answers.map((a) => a.status).sort()).toEqual([201, 412]);
      expectProblem(answers.find((a) => a.status === 412) as Response, 412);
      expect(await t.eventCount()).toBe(before + 1);
      const now = await t.http.get(`/claims/${claimId}`).expect(200);
      expect(now.body.balances.writeOffCents).toBe(1_000);
    });
  });

  it('a stale If-Match after another update is a 412; the fresh one goes through', async () => {
    const { claimId } = await submittedClaim(t.http);
    const read = await t.http.get(`/claims/${claimId}`).expect(200);
    const stale = String(read.headers['etag']);
    expect(stale).toBe('"0"');
    // Someone else acts on the claim.
    const other = await t.http.post(`/claims/${claimId}/denials`).set('X-Actor', 'era.bot').send(denialBody()).expect(201);
    const fresh = String(other.headers['etag']);
    expect(fresh).toBe('"1"');
    const before = await t.eventCount();
    const refused = await t.http.post(`/claims/${claimId}/write-offs`).set('If-Match', stale).send({ amountCents: 500, from: 'payer', reason: 'administrative' });
    expectProblem(refused, 412);
    expect(await t.eventCount()).toBe(before);
    const accepted = await t.http.post(`/claims/${claimId}/write-offs`).set('If-Match', fresh).send({ amountCents: 500, from: 'payer', reason: 'administrative' });
    expect(accepted.status).toBe(201);
    expect(accepted.headers['etag']).toBe('"2"');
  });

  it('20 parallel patient payments across one patient’s claims never over-allocate', async () => {
    const first = await paidClaim(t.http);
    const { patientId } = first;
    const claims = [first, await paidClaim(t.http, { patientId }), await paidClaim(t.http, { patientId })];
    const claimIds = claims.map((c) => c.claimId);
    const responsibilityCents = 2_000; // PR-2 of the standard remittance, per claim
    const AMOUNTS = [700, 300, 500, 900, 400];

    // Payment i allocates to claim i % 3, and every fourth one also to the next claim.
    const payments = Array.from({ length: 20 }, (_, i) => {
      const amount = AMOUNTS[i % AMOUNTS.length] as number;
      const allocations = [{ claimId: claimIds[i % 3] as string, amountCents: amount }];
      if (i % 4 === 3) allocations.push({ claimId: claimIds[(i + 1) % 3] as string, amountCents: 200 });
      return { paymentId: uid('pay'), amountCents: allocations.reduce((s, a) => s + a.amountCents, 0), method: 'card', allocations };
    });

    const before = await t.eventCount();
    const answers = await Promise.all(payments.map((p) => t.http.post(`/patients/${patientId}/payments`).send(p)));
    const accepted = payments.filter((_, i) => answers[i]?.status === 201);
    answers.forEach((a) => {
      if (a.status !== 201) expectProblem(a, [409, 422]);
    });
    expect(accepted.length).toBeGreaterThan(0);
    expect(accepted.length).toBeLessThan(payments.length);
    expect(await t.eventCount()).toBe(before + accepted.length);

    const allocatedTo = (claimId: string) =>
      accepted.flatMap((p) => p.allocations).filter((a) => a.claimId === claimId).reduce((s, a) => s + a.amountCents, 0);
    for (const claimId of claimIds) {
      const view = await t.http.get(`/claims/${claimId}`).expect(200);
      const balances = view.body.balances as Balances;
      expect(allocatedTo(claimId)).toBeLessThanOrEqual(responsibilityCents);
      expect(balances.patientPaidCents).toBe(allocatedTo(claimId));
      expect(balances.patientBalanceCents).toBeGreaterThanOrEqual(0);
      expect(balances.patientBalanceCents).toBe(responsibilityCents - allocatedTo(claimId));
      expectConserved(balances);
      // No payment was refused while its claim still had room for it.
      payments
        .filter((_, i) => answers[i]?.status !== 201)
        .forEach((p) => {
          const refusedHere = p.allocations.find((a) => a.claimId === claimId);
          if (refusedHere && p.allocations.length === 1) expect(refusedHere.amountCents).toBeGreaterThan(balances.patientBalanceCents);
        });
    }

    const balance = await t.http.get(`/patients/${patientId}/balance`).expect(200);
    expect(balance.body.unallocatedCreditCents).toBe(0);
    expect(balance.body.balanceCents).toBe(3 * responsibilityCents - accepted.reduce((s, p) => s + p.amountCents, 0));
    expect(balance.body.balanceCents).toBeGreaterThanOrEqual(0);
    for (const c of balance.body.claims as Array<{ patientBalanceCents: number }>) expect(c.patientBalanceCents).toBeGreaterThanOrEqual(0);
  });
});
