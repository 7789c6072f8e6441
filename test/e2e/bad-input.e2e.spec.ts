import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Response } from 'supertest';
import {
  claimBody,
  denialBody,
  encounterBody,
  errorFields,
  expectProblem,
  paidClaim,
  remittanceBody,
  serviceLines,
  startTestApp,
  submittedClaim,
  TOTAL_CHARGE_CENTS,
  uid,
  type ProblemBody,
  type TestApp,
} from '../support/test-app';

/**
 * Every class of bad input gets its status and an application/problem+json body, and the store
 * holds exactly as many events after the refusal as before it.
 */

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

describe('bad input over HTTP', () => {
  let t: TestApp;
  /** A submitted claim nobody changes: the target of requests that must be refused. */
  let submitted: Awaited<ReturnType<typeof submittedClaim>>;
  /** Paid with the standard remittance: payer balance 0, patient balance 2000. */
  let paid: Awaited<ReturnType<typeof paidClaim>>;
  /** Denied as a whole (CO-16). */
  let denied: Awaited<ReturnType<typeof submittedClaim>> & { remittanceId: string };
  /** Line 1 paid (8000 + CO-45 5000 + PR-2 2000), line 2 still open. */
  let partiallyPaid: Awaited<ReturnType<typeof submittedClaim>> & { remittanceId: string };

  beforeAll(async () => {
    t = await startTestApp();
    submitted = await submittedClaim(t.http);
    paid = await paidClaim(t.http);
    const d = await submittedClaim(t.http);
    const denial = denialBody();
    await t.http.post(`/claims/${d.claimId}/denials`).send(denial).expect(201);
    denied = { ...d, remittanceId: denial.remittanceId };
    const p = await submittedClaim(t.http);
    const remittance = remittanceBody();
    const lineOne = { remittanceId: remittance.remittanceId, paidCents: 8_000, lines: [remittance.lines[0]] };
    const answer = await t.http.post(`/claims/${p.claimId}/remittances`).send(lineOne).expect(201);
    expect(answer.body.status).toBe('partially_paid');
    partiallyPaid = { ...p, remittanceId: remittance.remittanceId };
  });

  afterAll(async () => {
    await t?.close();
  });

  /** Sends the request and checks the problem answer and that nothing was appended. */
  const refused = async (send: () => PromiseLike<Response>, status: number | readonly number[], code?: string): Promise<ProblemBody> => {
    const before = await t.eventCount();
    const response = await send();
    const problem = expectProblem(response, status, code);
    expect(await t.eventCount()).toBe(before);
    return problem;
  };

  describe('400: a body that is not JSON, or not the right shape', () => {
    it('malformed JSON', async () => {
      await refused(() => t.http.post('/encounters').set('Content-Type', 'application/json').send('{"encounterId": "enc-1",'), 400);
      await refused(() => t.http.post(`/claims/${submitted.claimId}/write-offs`).set('Content-Type', 'application/json').send('{amountCents: 5}'), 400);
    });

    it('a JSON array or scalar instead of an object', async () => {
      await refused(() => t.http.post('/encounters').send([]), 400);
      await refused(() => t.http.post('/claims').set('Content-Type', 'application/json').send('42'), 400);
    });

    it('a missing field, named in errors[]', async () => {
      const { patientId: _omitted, ...encounter } = encounterBody();
      expect(errorFields(await refused(() => t.http.post('/encounters').send(encounter), 400))).toContain('patientId');
      const { memberId: _member, ...claim } = claimBody(uid('enc'));
      expect(errorFields(await refused(() => t.http.post('/claims').send(claim), 400))).toContain('memberId');
      const { remittanceId: _remittance, ...remittance } = remittanceBody();
      expect(errorFields(await refused(() => t.http.post(`/claims/${submitted.claimId}/remittances`).send(remittance), 400))).toContain('remittanceId');
      expect(errorFields(await refused(() => t.http.post(`/claims/${submitted.claimId}/corrections`).send({ diagnoses: ['E11.9'] }), 400))).toContain('reason');
    });

    it('an extra field, top-level or nested, named in errors[]', async () => {
      expect(errorFields(await refused(() => t.http.post('/encounters').send({ ...encounterBody(), priority: 'high' }), 400))).toContain('priority');
      const lines = [{ ...serviceLines()[0], placeOfService: '11' }];
      expect(errorFields(await refused(() => t.http.post('/encounters').send(encounterBody({ lines: lines as never })), 400))).toContain(
        'lines[0].placeOfService',
      );
      // The claim id is in the path, not the body.
      expect(
        errorFields(await refused(() => t.http.post(`/claims/${submitted.claimId}/write-offs`).send({ claimId: submitted.claimId, amountCents: 100, from: 'payer', reason: 'charity' }), 400)),
      ).toContain('claimId');
    });

    it('a wrong-typed field, named in errors[] (nothing is coerced)', async () => {
      const lines = serviceLines().map((l) => ({ ...l, chargeCents: String(l.chargeCents) }));
      expect(errorFields(await refused(() => t.http.post('/encounters').send(encounterBody({ lines: lines as never })), 400))).toContain(
        'lines[0].chargeCents',
      );
      expect(errorFields(await refused(() => t.http.post('/encounters').send({ ...encounterBody(), diagnoses: 'E11.9' }), 400))).toContain('diagnoses');
      expect(errorFields(await refused(() => t.http.post('/encounters').send({ ...encounterBody(), dateOfService: '2026-02-30' }), 400))).toContain(
        'dateOfService',
      );
      expect(
        errorFields(await refused(() => t.http.post(`/claims/${submitted.claimId}/write-offs`).send({ amountCents: 100, from: 'insurer', reason: 'charity' }), 400)),
      ).toContain('from');
      expect(
        errorFields(
          await refused(() => t.http.post(`/patients/${submitted.patientId}/payments`).send({ paymentId: uid('pay'), amountCents: 100, method: 'bitcoin', allocations: [] }), 400),
        ),
      ).toContain('method');
      expect(
        errorFields(await refused(() => t.http.post(`/claims/${submitted.claimId}/denials`).send({ ...denialBody(), lineNumbers: ['1'] }), 400)),
      ).toContain('lineNumbers');
      expect(
        errorFields(await refused(() => t.http.post(`/claims/${submitted.claimId}/remittances`).send({ ...remittanceBody(), receivedAt: 'yesterday' }), 400)),
      ).toContain('receivedAt');
    });

    it('an X-Actor header that is too long', async () => {
      const problem = await refused(() => t.http.post('/encounters').set('X-Actor', 'a'.repeat(201)).send(encounterBody()), 400);
      expect(errorFields(problem)).toContain('X-Actor');
    });
  });

  describe('413 and 415: bodies the ledger does not read', () => {
    /** Raw requests on a keep-alive agent: each refusal must reach the client, however much body is left unread. */
    const send = (agent: http.Agent, headers: Record<string, string>, body: Buffer): Promise<{ status: number; contentType: string }> =>
      new Promise((resolve, reject) => {
        const port = (t.app.getHttpServer().address() as AddressInfo).port;
        const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/encounters', agent, headers: { ...headers, 'Content-Length': String(body.length) } }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']) }));
        });
        req.on('error', reject);
        req.end(body);
      });

    it('answers every refusal, however much of the body is left unread', async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const json = { 'Content-Type': 'application/json' };
      const cases: Array<[Record<string, string>, Buffer, number]> = [
        [json, Buffer.from(`{"pad":"${'x'.repeat(2_000_000)}"}`), 413],
        [{ ...json, 'Content-Encoding': 'gzip' }, Buffer.alloc(300_000, 0x20), 415],
        [{ 'Content-Type': 'application/json; charset=latin1' }, Buffer.alloc(300_000, 0x20), 415],
      ];
      try {
        for (let round = 0; round < 5; round++) {
          for (const [headers, body, status] of cases) {
            const before = await t.eventCount();
            const answer = await send(agent, headers, body);
            expect(answer).toEqual({ status, contentType: expect.stringMatching(/^application\/problem\+json/) });
            expect(await t.eventCount()).toBe(before);
          }
        }
      } finally {
        agent.destroy();
      }
    });
  });

  describe('400: codes of the wrong form', () => {
    it.each(['E1', '11.9', 'e11.9', 'E11.12345', 'E11-9'])('ICD-10-CM %p', async (code) => {
      const problem = await refused(() => t.http.post('/encounters').send(encounterBody({ diagnoses: ['I10', code] })), 400);
      expect(errorFields(problem)).toContain('diagnoses');
    });

    it('ICD-10-CM in a correction', async () => {
      const problem = await refused(() => t.http.post(`/claims/${denied.claimId}/corrections`).send({ diagnoses: ['E11.9', 'XX'], reason: 'recoded' }), 400);
      expect(errorFields(problem)).toContain('diagnoses');
    });

    it.each(['9921', '992130', 'W1234', '0001X', ''])('CPT/HCPCS %p', async (code) => {
      const lines = serviceLines().map((l, i) => (i === 1 ? { ...l, procedureCode: code } : l));
      const problem = await refused(() => t.http.post('/encounters').send(encounterBody({ lines })), 400);
      expect(errorFields(problem)).toContain('lines[1].procedureCode');
    });

    it.each(['2', '255', '2-', 'lt'])('modifier %p', async (code) => {
      const lines = serviceLines().map((l, i) => (i === 0 ? { ...l, modifiers: [code] } : l));
      const problem = await refused(() => t.http.post('/encounters').send(encounterBody({ lines })), 400);
      expect(errorFields(problem)).toContain('lines[0].modifiers');
    });

    it.each(['1234567890', '3234567893', '123456789', '12345678930'])('NPI %p (check digit, leading digit, length)', async (npi) => {
      const problem = await refused(() => t.http.post('/encounters').send(encounterBody({ providerNpi: npi })), 400);
      expect(errorFields(problem)).toContain('providerNpi');
    });

    it.each(['4567', '', '4-5'])('CARC %p on a denial and a remittance', async (carc) => {
      const denial = { ...denialBody(), adjustments: [{ group: 'CO', reason: carc, amountCents: TOTAL_CHARGE_CENTS }] };
      expect(errorFields(await refused(() => t.http.post(`/claims/${submitted.claimId}/denials`).send(denial), 400))).toContain('adjustments[0].reason');
      const remittance = remittanceBody();
      const lines = [{ ...remittance.lines[0], adjustments: [{ group: 'CO', reason: carc, amountCents: 5_000 }, { group: 'PR', reason: '2', amountCents: 2_000 }] }, remittance.lines[1]];
      expect(errorFields(await refused(() => t.http.post(`/claims/${submitted.claimId}/remittances`).send({ ...remittance, lines }), 400))).toContain(
        'lines[0].adjustments[0].reason',
      );
    });

    it('an adjustment group that is not CO/PR/OA/PI/CR', async () => {
      const denial = { ...denialBody(), adjustments: [{ group: 'XX', reason: '16', amountCents: TOTAL_CHARGE_CENTS }] };
      expect(errorFields(await refused(() => t.http.post(`/claims/${submitted.claimId}/denials`).send(denial), 400))).toContain('adjustments[0].group');
    });

    it.each(['N', '130', 'ABC1', 'N130A'])('RARC %p', async (rarc) => {
      const problem = await refused(() => t.http.post(`/claims/${submitted.claimId}/denials`).send({ ...denialBody(), remarks: ['N130', rarc] }), 400);
      expect(errorFields(problem)).toContain('remarks');
    });
  });

  describe('400: money that is not integer cents', () => {
    it.each([150.5, -1, MAX_SAFE + 1])('line charge %p', async (chargeCents) => {
      const lines = serviceLines().map((l, i) => (i === 0 ? { ...l, chargeCents } : l));
      expect(errorFields(await refused(() => t.http.post('/encounters').send(encounterBody({ lines })), 400))).toContain('lines[0].chargeCents');
    });

    it('an unsafe integer written out in the JSON text', async () => {
      const json = '{"amountCents": 9007199254740993, "from": "payer", "reason": "charity"}';
      const problem = await refused(() => t.http.post(`/claims/${submitted.claimId}/write-offs`).set('Content-Type', 'application/json').send(json), 400);
      expect(errorFields(problem)).toContain('amountCents');
    });

    it('a fractional remittance payment, adjustment or write-off', async () => {
      expect(errorFields(await refused(() => t.http.post(`/claims/${submitted.claimId}/remittances`).send({ ...remittanceBody(), paidCents: 12_000.5 }), 400))).toContain(
        'paidCents',
      );
      const remittance = remittanceBody();
      const lines = [{ ...remittance.lines[0], paidCents: 7_999.5, adjustments: [{ group: 'CO', reason: '45', amountCents: 5_000.5 }, { group: 'PR', reason: '2', amountCents: 2_000 }] }, remittance.lines[1]];
      const problem = await refused(() => t.http.post(`/claims/${submitted.claimId}/remittances`).send({ ...remittance, lines }), 400);
      expect(errorFields(problem)).toEqual(expect.arrayContaining(['lines[0].paidCents', 'lines[0].adjustments[0].amountCents']));
      expect(errorFields(await refused(() => t.http.post(`/claims/${submitted.claimId}/write-offs`).send({ amountCents: 0.5, from: 'payer', reason: 'charity' }), 400))).toContain(
        'amountCents',
      );
    });

    it('a fractional or zero patient payment or allocation', async () => {
      const pay = (amountCents: number, allocated: number) =>
        t.http.post(`/patients/${paid.patientId}/payments`).send({ paymentId: uid('pay'), amountCents, method: 'cash', allocations: [{ claimId: paid.claimId, amountCents: allocated }] });
      expect(errorFields(await refused(() => pay(10.25, 10), 400))).toContain('amountCents');
      expect(errorFields(await refused(() => pay(100, 0.5), 400))).toContain('allocations[0].amountCents');
      expect(errorFields(await refused(() => pay(0, 0), 400))).toContain('amountCents');
    });

    // Each amount below is a safe integer, but their sum is not: the ledger must refuse it, not fail with a 500.
    it('an encounter whose total charge leaves the safe-integer range is never billed, and never a 500', async () => {
      const lines = serviceLines().map((l, i) => ({ ...l, chargeCents: i === 0 ? MAX_SAFE : 1 }));
      const encounter = encounterBody({ lines });
      const coded = await t.http.post('/encounters').send(encounter);
      // Refusing it at coding (400) or at submission (below) both keep the ledger whole.
      expect([201, 400]).toContain(coded.status);
      await refused(() => t.http.post('/claims').send(claimBody(encounter.encounterId)), [400, 422]);
    });

    it('remittance adjustments whose sum leaves the safe-integer range are refused, not a 500', async () => {
      const remittance = {
        remittanceId: uid('era'),
        paidCents: 0,
        lines: [{ lineNumber: 1, paidCents: 0, adjustments: [{ group: 'CO', reason: '45', amountCents: MAX_SAFE }, { group: 'CO', reason: '45', amountCents: MAX_SAFE }] }],
      };
      await refused(() => t.http.post(`/claims/${submitted.claimId}/remittances`).send(remittance), [400, 422]);
    });

    it('payment allocations whose sum leaves the safe-integer range are refused, not a 500', async () => {
      const payment = {
        paymentId: uid('pay'),
        amountCents: MAX_SAFE,
        method: 'cash',
        allocations: [
          { claimId: paid.claimId, amountCents: MAX_SAFE },
          { claimId: submitted.claimId, amountCents: MAX_SAFE },
        ],
      };
      await refused(() => t.http.post(`/patients/${paid.patientId}/payments`).send(payment), [400, 422]);
    });
  });

  describe('404: unknown ids', () => {
    const valid = {
      denials: () => denialBody(),
      rejections: () => ({ reasons: [{ code: 'A7:562', message: 'missing entity' }] }),
      corrections: () => ({ reason: 'recoded' }),
      resubmissions: () => ({}),
      remittances: () => remittanceBody(),
      'write-offs': () => ({ amountCents: 100, from: 'payer', reason: 'charity' }),
      void: () => ({ reason: 'duplicate' }),
    };

    it.each(Object.keys(valid) as Array<keyof typeof valid>)('POST /claims/{unknown}/%s', async (command) => {
      await refused(() => t.http.post(`/claims/${uid('nope')}/${command}`).send(valid[command]()), 404);
    });

    it('GET /claims/{unknown}, its history, and GET /encounters/{unknown}', async () => {
      expectProblem(await t.http.get(`/claims/${uid('nope')}`), 404);
      expectProblem(await t.http.get(`/claims/${uid('nope')}/history`), 404);
      expectProblem(await t.http.get(`/encounters/${uid('nope')}`), 404);
      expectProblem(await t.http.get(`/patients/${uid('nope')}/balance`), 404);
    });

    it('reversal of a remittance the claim never had', async () => {
      await refused(() => t.http.post(`/claims/${paid.claimId}/remittances/${uid('era-nope')}/reversal`).send({}), 404);
    });

    it('reversal on an unknown claim', async () => {
      await refused(() => t.http.post(`/claims/${uid('nope')}/remittances/${paid.remittanceId}/reversal`).send({}), 404);
    });
  });

  describe('409: an id already taken', () => {
    it('a second encounter with the same id', async () => {
      const encounter = encounterBody();
      await t.http.post('/encounters').send(encounter).expect(201);
      await refused(() => t.http.post('/encounters').send(encounter), 409, 'ENCOUNTER_EXISTS');
      await refused(() => t.http.post('/encounters').send({ ...encounterBody(), encounterId: encounter.encounterId }), 409, 'ENCOUNTER_EXISTS');
    });

    it('a second claim with the same id, for another coded encounter', async () => {
      const other = encounterBody({ patientId: submitted.patientId });
      await t.http.post('/encounters').send(other).expect(201);
      await refused(() => t.http.post('/claims').send(claimBody(other.encounterId, { claimId: submitted.claimId })), 409, 'CLAIM_EXISTS');
      // The encounter was not marked billed by the refused submission: a new claim id still works.
      await t.http.post('/claims').send(claimBody(other.encounterId)).expect(201);
    });

    it('a remittance id already used on the claim (by a payment or a denial)', async () => {
      const remittance = remittanceBody(partiallyPaid.remittanceId);
      const lineTwo = { remittanceId: remittance.remittanceId, paidCents: 4_000, lines: [remittance.lines[1]] };
      await refused(() => t.http.post(`/claims/${partiallyPaid.claimId}/remittances`).send(lineTwo), 409, 'DUPLICATE_REMITTANCE');
      // A denied claim may be paid on appeal, but not under the denial's remittance id.
      await refused(() => t.http.post(`/claims/${denied.claimId}/remittances`).send(remittanceBody(denied.remittanceId)), 409, 'DUPLICATE_REMITTANCE');
    });

    it('a payment id already recorded for the patient, and a refund id', async () => {
      const paymentId = uid('pay');
      await t.http.post(`/patients/${paid.patientId}/payments`).send({ paymentId, amountCents: 300, method: 'cash', allocations: [] }).expect(201);
      await refused(() => t.http.post(`/patients/${paid.patientId}/payments`).send({ paymentId, amountCents: 300, method: 'cash', allocations: [] }), 409, 'DUPLICATE_PAYMENT');
      const refundId = uid('ref');
      await t.http.post(`/patients/${paid.patientId}/refunds`).send({ refundId, amountCents: 100 }).expect(201);
      await refused(() => t.http.post(`/patients/${paid.patientId}/refunds`).send({ refundId, amountCents: 100 }), 409, 'DUPLICATE_REFUND');
    });
  });

  describe('422: every billing rule, over HTTP', () => {
    it('a diagnosis pointer out of range (encounter and correction)', async () => {
      const lines = serviceLines().map((l, i) => (i === 1 ? { ...l, diagnosisPointers: [3] } : l));
      await refused(() => t.http.post('/encounters').send(encounterBody({ lines })), 422, 'DIAGNOSIS_POINTER_OUT_OF_RANGE');
      await refused(
        () => t.http.post(`/claims/${denied.claimId}/corrections`).send({ diagnoses: ['E11.9'], reason: 'dropped I10' }),
        422,
        'DIAGNOSIS_POINTER_OUT_OF_RANGE',
      );
    });

    it('a claim for an encounter that was never coded', async () => {
      await refused(() => t.http.post('/claims').send(claimBody(uid('enc-uncoded'))), 422, 'ENCOUNTER_NOT_CODED');
    });

    it('a second claim for the same encounter', async () => {
      await refused(() => t.http.post('/claims').send(claimBody(submitted.encounterId)), 422, 'ENCOUNTER_ALREADY_BILLED');
    });

    it('a denial on a paid claim', async () => {
      await refused(() => t.http.post(`/claims/${paid.claimId}/denials`).send(denialBody()), 422, 'INVALID_CLAIM_STATUS');
    });

    it('a rejection of a denied claim', async () => {
      await refused(() => t.http.post(`/claims/${denied.claimId}/rejections`).send({ reasons: [{ code: 'A7', message: 'x' }] }), 422, 'INVALID_CLAIM_STATUS');
    });

    it('a correction of a submitted claim', async () => {
      await refused(() => t.http.post(`/claims/${submitted.claimId}/corrections`).send({ reason: 'nothing wrong' }), 422, 'INVALID_CLAIM_STATUS');
    });

    it('a resubmission without a correction', async () => {
      await refused(() => t.http.post(`/claims/${denied.claimId}/resubmissions`).send({}), 422, 'INVALID_CLAIM_STATUS');
      await refused(() => t.http.post(`/claims/${submitted.claimId}/resubmissions`).send({}), 422, 'INVALID_CLAIM_STATUS');
    });

    it('a remittance line that does not balance (charge ≠ paid + adjustments)', async () => {
      const remittance = remittanceBody();
      const lines = [{ ...remittance.lines[0], paidCents: 8_001 }, remittance.lines[1]];
      await refused(() => t.http.post(`/claims/${submitted.claimId}/remittances`).send({ ...remittance, paidCents: 12_001, lines }), 422, 'REMITTANCE_LINE_UNBALANCED');
    });

    it('a claim payment that does not add up (paid ≠ Σ line payments − claim adjustments)', async () => {
      await refused(() => t.http.post(`/claims/${submitted.claimId}/remittances`).send({ ...remittanceBody(), paidCents: 11_000 }), 422, 'REMITTANCE_UNBALANCED');
    });

    it('a remittance for a line already paid, or a line the claim does not have', async () => {
      const remittance = remittanceBody();
      await refused(() => t.http.post(`/claims/${partiallyPaid.claimId}/remittances`).send({ ...remittance, paidCents: 8_000, lines: [remittance.lines[0]] }), 422, 'LINE_ALREADY_PAID');
      await refused(() => t.http.post(`/claims/${submitted.claimId}/denials`).send({ ...denialBody(), lineNumbers: [3] }), 422, 'UNKNOWN_LINE');
    });

    it('a write-off larger than the balance it comes from', async () => {
      await refused(() => t.http.post(`/claims/${submitted.claimId}/write-offs`).send({ amountCents: TOTAL_CHARGE_CENTS + 1, from: 'payer', reason: 'bad_debt' }), 422, 'WRITE_OFF_EXCEEDS_BALANCE');
      await refused(() => t.http.post(`/claims/${submitted.claimId}/write-offs`).send({ amountCents: 1, from: 'patient', reason: 'bad_debt' }), 422, 'WRITE_OFF_EXCEEDS_BALANCE');
      await refused(() => t.http.post(`/claims/${paid.claimId}/write-offs`).send({ amountCents: 2_001, from: 'patient', reason: 'charity' }), 422, 'WRITE_OFF_EXCEEDS_BALANCE');
    });

    it("an allocation larger than the claim's patient balance", async () => {
      const payment = { paymentId: uid('pay'), amountCents: 5_000, method: 'card', allocations: [{ claimId: paid.claimId, amountCents: 2_001 }] };
      await refused(() => t.http.post(`/patients/${paid.patientId}/payments`).send(payment), 422, 'ALLOCATION_EXCEEDS_PATIENT_BALANCE');
      // A claim with no patient responsibility yet takes no allocation at all.
      const toSubmitted = { paymentId: uid('pay'), amountCents: 100, method: 'card', allocations: [{ claimId: submitted.claimId, amountCents: 1 }] };
      await refused(() => t.http.post(`/patients/${submitted.patientId}/payments`).send(toSubmitted), 422, 'ALLOCATION_EXCEEDS_PATIENT_BALANCE');
    });

    it('allocations that add up to more than the payment', async () => {
      const payment = { paymentId: uid('pay'), amountCents: 1_000, method: 'card', allocations: [{ claimId: paid.claimId, amountCents: 1_001 }] };
      await refused(() => t.http.post(`/patients/${paid.patientId}/payments`).send(payment), 422, 'ALLOCATIONS_EXCEED_PAYMENT');
    });

    it("an allocation to another patient's claim", async () => {
      const payment = { paymentId: uid('pay'), amountCents: 500, method: 'cash', allocations: [{ claimId: paid.claimId, amountCents: 500 }] };
      await refused(() => t.http.post(`/patients/${submitted.patientId}/payments`).send(payment), 422, 'NOT_PATIENTS_CLAIM');
    });

    it('a void while a payment stands', async () => {
      await refused(() => t.http.post(`/claims/${paid.claimId}/void`).send({ reason: 'billed the wrong payer' }), 422, 'PAYMENT_STANDS');
      await refused(() => t.http.post(`/claims/${partiallyPaid.claimId}/void`).send({ reason: 'billed the wrong payer' }), 422, 'PAYMENT_STANDS');
    });

    it('a reversal of a denial, or of a remittance already reversed', async () => {
      await refused(() => t.http.post(`/claims/${denied.claimId}/remittances/${denied.remittanceId}/reversal`).send({}), 422, 'NOT_A_PAYMENT');
      const claim = await paidClaim(t.http);
      await t.http.post(`/claims/${claim.claimId}/remittances/${claim.remittanceId}/reversal`).send({}).expect(201);
      await refused(() => t.http.post(`/claims/${claim.claimId}/remittances/${claim.remittanceId}/reversal`).send({}), 422, 'ALREADY_REVERSED');
    });

    describe('anything but reads on a voided claim', () => {
      let voided: Awaited<ReturnType<typeof paidClaim>>;

      beforeAll(async () => {
        // Paid, taken back by the payer, then voided: every command has something it could act on.
        voided = await paidClaim(t.http);
        const reversed = await t.http.post(`/claims/${voided.claimId}/remittances/${voided.remittanceId}/reversal`).send({}).expect(201);
        // A take-back returns the claim to awaiting adjudication, with the payer owing the whole charge again.
        expect(reversed.body.status).toBe('submitted');
        expect(reversed.body.balances).toMatchObject({ payerPaidCents: 0, contractualAdjustmentCents: 0, patientResponsibilityCents: 0, payerBalanceCents: TOTAL_CHARGE_CENTS });
        const answer = await t.http.post(`/claims/${voided.claimId}/void`).send({ reason: 'billed the wrong payer' }).expect(201);
        expect(answer.body.status).toBe('voided');
        expect(answer.body.balances.balanceCents).toBe(0);
      });

      const commands: Array<[string, () => { path: string; body: object }]> = [
        ['denial', () => ({ path: 'denials', body: denialBody() })],
        ['rejection', () => ({ path: 'rejections', body: { reasons: [{ code: 'A7', message: 'x' }] } })],
        ['correction', () => ({ path: 'corrections', body: { reason: 'recoded' } })],
        ['resubmission', () => ({ path: 'resubmissions', body: {} })],
        ['remittance', () => ({ path: 'remittances', body: remittanceBody() })],
        ['payer write-off', () => ({ path: 'write-offs', body: { amountCents: 1, from: 'payer', reason: 'charity' } })],
        ['patient write-off', () => ({ path: 'write-offs', body: { amountCents: 1, from: 'patient', reason: 'charity' } })],
        ['void', () => ({ path: 'void', body: { reason: 'again' } })],
        ['reversal', () => ({ path: `remittances/${voided.remittanceId}/reversal`, body: {} })],
      ];

      it.each(commands)('%s', async (_name, command) => {
        const { path, body } = command();
        await refused(() => t.http.post(`/claims/${voided.claimId}/${path}`).send(body), 422, 'CLAIM_VOIDED');
      });

      it('a patient payment allocated to it', async () => {
        const payment = { paymentId: uid('pay'), amountCents: 100, method: 'cash', allocations: [{ claimId: voided.claimId, amountCents: 100 }] };
        await refused(() => t.http.post(`/patients/${voided.patientId}/payments`).send(payment), 422);
      });

      it('reads still answer', async () => {
        const view = await t.http.get(`/claims/${voided.claimId}`).expect(200);
        expect(view.body.status).toBe('voided');
        await t.http.get(`/claims/${voided.claimId}/history`).expect(200);
      });
    });

    it('a refund larger than the credit (unallocated, or on a claim)', async () => {
      const patientId = paid.patientId;
      const before = await t.http.get(`/patients/${patientId}/balance`).expect(200);
      const credit = before.body.unallocatedCreditCents as number;
      await refused(() => t.http.post(`/patients/${patientId}/refunds`).send({ refundId: uid('ref'), amountCents: credit + 1 }), 422, 'REFUND_EXCEEDS_CREDIT');
      await refused(
        () => t.http.post(`/patients/${patientId}/refunds`).send({ refundId: uid('ref'), amountCents: 1, claimId: paid.claimId }),
        422,
        'REFUND_EXCEEDS_CREDIT',
      );
    });
  });

  describe('If-Match', () => {
    it('a stale revision is a 412', async () => {
      const claim = await submittedClaim(t.http);
      const read = await t.http.get(`/claims/${claim.claimId}`).expect(200);
      const etag = String(read.headers['etag']);
      expect(etag).toBe('"0"');
      const first = await t.http
        .post(`/claims/${claim.claimId}/write-offs`)
        .set('If-Match', etag)
        .send({ amountCents: 100, from: 'payer', reason: 'administrative' })
        .expect(201);
      expect(first.headers['etag']).toBe('"1"');
      await refused(() => t.http.post(`/claims/${claim.claimId}/denials`).set('If-Match', etag).send(denialBody()), 412);
      await refused(() => t.http.post(`/claims/${claim.claimId}/denials`).set('If-Match', '"7"').send(denialBody()), 412);
      const weak = await t.http.post(`/claims/${claim.claimId}/denials`).set('If-Match', `W/${first.headers['etag']}`).send(denialBody());
      expect(weak.status).toBe(201);
    });

    it.each(['abc', '"x"', '""', '"1", "2"'])('an If-Match that is not a revision (%p) is a 400', async (value) => {
      const problem = await refused(() => t.http.post(`/claims/${submitted.claimId}/write-offs`).set('If-Match', value).send({ amountCents: 1, from: 'payer', reason: 'charity' }), 400);
      expect(errorFields(problem)).toContain('If-Match');
    });
  });
});
