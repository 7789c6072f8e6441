/**
 * Payer contracts over real HTTP on a real SQLite file: load a fee schedule, submit claims,
 * post remittances paying at, above and below contract; the underpayment worklist holds exactly
 * the lines below tolerance; a later schedule leaves earlier claims' expectations unchanged, and
 * a rebuild of the read store from the events gives the same answers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expectProblem, uid, VALID_NPI, type Http } from '../support/test-app';
import { MODIFIER_RULES, SCHEDULE_ROWS, startContractsApp, type ContractsApp } from './support';

const TOLERANCE_CENTS = 100;

interface Line {
  lineNumber: number;
  procedureCode: string;
  modifiers: string[];
  units: number;
  chargeCents: number;
  diagnosisPointers: number[];
}
const visit = (lineNumber = 1, modifiers: string[] = ['25']): Line => ({ lineNumber, procedureCode: '99213', modifiers, units: 1, chargeCents: 15_000, diagnosisPointers: [1, 2] });
const ecg = (lineNumber = 2, modifiers: string[] = []): Line => ({ lineNumber, procedureCode: '93000', modifiers, units: 1, chargeCents: 5_000, diagnosisPointers: [2] });
const knee = (lineNumber = 1, modifiers: string[] = []): Line => ({ lineNumber, procedureCode: '27447', modifiers, units: 1, chargeCents: 300_000, diagnosisPointers: [1] });
const therapy = (lineNumber: number, units: number): Line => ({ lineNumber, procedureCode: '97110', modifiers: [], units, chargeCents: 4_000 * units, diagnosisPointers: [1] });

interface ViewLine {
  lineNumber: number;
  expectedAllowedCents: number | null;
}
interface ClaimView {
  claimId: string;
  status: string;
  lines: ViewLine[];
  expectedAllowedCents: number | null;
  feeScheduleId: string | null;
}

const submit = async (http: Http, payerId: string, lines: Line[], dateOfService = '2026-03-02', diagnoses = ['M17.11', 'I10']): Promise<ClaimView> => {
  const encounterId = uid('enc');
  await http.post('/encounters').send({ encounterId, patientId: uid('pat'), providerNpi: VALID_NPI, dateOfService, diagnoses, lines }).expect(201);
  const response = await http.post('/claims').send({ claimId: uid('clm'), encounterId, payerId, memberId: 'MBR123' });
  if (response.status !== 201) throw new Error(`submission failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as ClaimView;
};

/** A remittance balancing each line: charge = paid + PR + CO (the rest). */
const remit = async (http: Http, claim: ClaimView, lines: Array<{ line: Line; paidCents: number; patientCents?: number }>) => {
  const remittanceId = uid('era');
  const body = {
    remittanceId,
    paidCents: lines.reduce((sum, l) => sum + l.paidCents, 0),
    lines: lines.map(({ line, paidCents, patientCents = 0 }) => ({
      lineNumber: line.lineNumber,
      paidCents,
      adjustments: [
        { group: 'CO', reason: '45', amountCents: line.chargeCents - paidCents - patientCents },
        ...(patientCents > 0 ? [{ group: 'PR', reason: '2', amountCents: patientCents }] : []),
      ],
    })),
  };
  await http.post(`/claims/${claim.claimId}/remittances`).send(body).expect(201);
  return remittanceId;
};

const worklist = async (http: Http, payerId: string, query = '') =>
  (await http.get(`/worklists/underpayments?payerId=${payerId}${query}`).expect(200)).body as {
    toleranceCents: number;
    lineCount: number;
    shortfallCents: number;
    lines: Array<{ claimId: string; lineNumber: number; expectedAllowedCents: number; payerAllowedCents: number; varianceCents: number; paidCents: number; patientResponsibilityCents: number; procedureCode: string; feeScheduleId: string }>;
  };

describe('payer contracts: fee schedules, expected payment, the underpayment worklist', () => {
  let t: ContractsApp;
  const payerId = uid('payer');
  // Claims submitted under the first schedule, and what they expect.
  let a: ClaimView; // visit at contract (9200), ECG above (1700)
  let b: ClaimView; // knee bilateral 217500 just within tolerance; therapy 3 × 2900 = 8700, 700 short
  let c: ClaimView; // visit 3200 short; ECG exactly the tolerance short (not listed)
  let beforeSecondSchedule: ClaimView[];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bl-contracts-e2e-'));

  beforeAll(async () => {
    t = await startContractsApp({ underpaymentToleranceCents: TOLERANCE_CENTS, dataDir });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  describe('loading a fee schedule (POST /payers/{id}/fee-schedules)', () => {
    it('201 with the schedule summary and its Location; the modifier rules read back as a percentage of the amount', async () => {
      const response = await t.http
        .post(`/payers/${payerId}/fee-schedules`)
        .set('Idempotency-Key', `fs-${payerId}`)
        .send({ effectiveFrom: '2026-01-01', rows: SCHEDULE_ROWS, modifierRules: MODIFIER_RULES })
        .expect(201);
      expect(response.headers['location']).toBe(`/payers/${payerId}/fee-schedules/2026-01-01`);
      expect(response.body).toEqual({
        payerId,
        scheduleId: '2026-01-01',
        effectiveFrom: '2026-01-01',
        effectiveTo: null,
        loadedAt: expect.any(String),
        rowCount: 4,
        modifierRules: [
          { modifier: '22', change: '125%' },
          { modifier: '50', change: '150%' },
          { modifier: '80', change: '16%' },
        ],
      });
      const events = await t.store.readStream(`fee-schedule-${payerId}`);
      expect(events.map((e) => e.type)).toEqual(['FeeScheduleLoaded']);
      expect((events[0]?.data as { rows: unknown[] }).rows).toHaveLength(4);
    });

    it('a retry with the same Idempotency-Key answers the same and loads nothing twice', async () => {
      const before = await t.eventCount();
      await t.http
        .post(`/payers/${payerId}/fee-schedules`)
        .set('Idempotency-Key', `fs-${payerId}`)
        .send({ effectiveFrom: '2026-01-01', rows: SCHEDULE_ROWS, modifierRules: MODIFIER_RULES })
        .expect(201);
      expect(await t.eventCount()).toBe(before);
    });

    it('GET lists it and returns it with its rows', async () => {
      const list = await t.http.get(`/payers/${payerId}/fee-schedules?dateOfService=2026-03-02`).expect(200);
      expect(list.body).toMatchObject({ payerId, inForce: '2026-01-01', schedules: [{ scheduleId: '2026-01-01', rowCount: 4 }] });
      const one = await t.http.get(`/payers/${payerId}/fee-schedules/2026-01-01`).expect(200);
      expect(one.body.rows).toEqual(SCHEDULE_ROWS);
      await t.http.get(`/payers/${payerId}/fee-schedules/nope`).expect(404);
    });

    it('bad input is a 400 naming each field, a taken id a 409; nothing is appended', async () => {
      const before = await t.eventCount();
      const bad = await t.http
        .post(`/payers/${payerId}/fee-schedules`)
        .send({ effectiveFrom: '2026-01-01', effectiveTo: '2025-01-01', rows: [SCHEDULE_ROWS[0], SCHEDULE_ROWS[0]], modifierRules: [{ modifier: '50', change: '150' }] });
      expect(expectProblem(bad, 400).errors?.map((e) => e.field)).toEqual(['modifierRules[0].change']);
      const dupRows = await t.http.post(`/payers/${payerId}/fee-schedules`).send({ effectiveFrom: '2026-01-01', effectiveTo: '2025-01-01', rows: [SCHEDULE_ROWS[0], SCHEDULE_ROWS[0]] });
      expect(expectProblem(dupRows, 400).errors?.map((e) => e.field)).toEqual(['effectiveTo', 'rows[1]']);
      const cents = await t.http.post(`/payers/${payerId}/fee-schedules`).send({ effectiveFrom: '2026-01-01', rows: [{ ...SCHEDULE_ROWS[0], allowedCents: 92.5 }] });
      expectProblem(cents, 400);
      const taken = await t.http.post(`/payers/${payerId}/fee-schedules`).send({ scheduleId: '2026-01-01', effectiveFrom: '2026-01-01', rows: SCHEDULE_ROWS });
      expectProblem(taken, 409, 'FEE_SCHEDULE_EXISTS');
      expect(await t.eventCount()).toBe(before);
    });
  });

  describe('expected payment on submission', () => {
    it('each line gets its expected allowed amount from the schedule in force; the view shows them and the total', async () => {
      a = await submit(t.http, payerId, [visit(), ecg()]);
      expect(a.lines.map((l) => [l.lineNumber, l.expectedAllowedCents])).toEqual([
        [1, 9_200],
        [2, 1_700],
      ]);
      expect(a).toMatchObject({ expectedAllowedCents: 10_900, feeScheduleId: '2026-01-01' });
      b = await submit(t.http, payerId, [knee(1, ['50']), therapy(2, 3)]);
      expect(b.lines.map((l) => l.expectedAllowedCents)).toEqual([217_500, 8_700]);
      c = await submit(t.http, payerId, [visit(), ecg()]);
    });

    it('the expectation is data on the ClaimSubmitted event', async () => {
      const [submitted] = await t.store.readStream(`claim-${a.claimId}`);
      expect(submitted?.data).toMatchObject({
        expectedPayment: { scheduleId: '2026-01-01', expectedAllowedCents: 10_900, lines: [{ lineNumber: 1, expectedAllowedCents: 9_200 }, { lineNumber: 2, expectedAllowedCents: 1_700 }] },
      });
    });

    it('a claim to a payer with no schedule, or dated before any schedule, is not priced', async () => {
      const unpriced = await submit(t.http, uid('payer'), [visit(), ecg()]);
      expect(unpriced).toMatchObject({ expectedAllowedCents: null, feeScheduleId: null });
      expect(unpriced.lines.map((l) => l.expectedAllowedCents)).toEqual([null, null]);
      const early = await submit(t.http, payerId, [visit()], '2025-12-31');
      expect(early.expectedAllowedCents).toBeNull();
      const [event] = await t.store.readStream(`claim-${early.claimId}`);
      expect(event?.data).not.toHaveProperty('expectedPayment');
    });
  });

  describe('remittances at, above and below contract', () => {
    beforeAll(async () => {
      await remit(t.http, a, [
        { line: visit(), paidCents: 7_200, patientCents: 2_000 }, // allowed 9200: at contract
        { line: ecg(), paidCents: 2_000 }, // allowed 2000: 300 above
      ]);
      await remit(t.http, b, [
        { line: knee(1, ['50']), paidCents: 200_000, patientCents: 17_450 }, // allowed 217450: 50 short, within tolerance
        { line: therapy(2, 3), paidCents: 8_000 }, // 700 short
      ]);
      await remit(t.http, c, [
        { line: visit(), paidCents: 5_000, patientCents: 1_000 }, // 3200 short
        { line: ecg(), paidCents: 1_600 }, // exactly the tolerance short: not "more than"
      ]);
    });

    it('the worklist holds exactly the lines paid below contract by more than the tolerance, with the amounts', async () => {
      const list = await worklist(t.http, payerId);
      expect(list.toleranceCents).toBe(TOLERANCE_CENTS);
      expect(list.lines.map((l) => [l.claimId, l.lineNumber, l.procedureCode, l.expectedAllowedCents, l.payerAllowedCents, l.paidCents, l.patientResponsibilityCents, l.varianceCents])).toEqual([
        [b.claimId, 2, '97110', 8_700, 8_000, 8_000, 0, -700],
        [c.claimId, 1, '99213', 9_200, 6_000, 5_000, 1_000, -3_200],
      ]);
      expect(list).toMatchObject({ lineCount: 2, shortfallCents: 3_900 });
      expect(list.lines.every((l) => l.feeScheduleId === '2026-01-01')).toBe(true);
    });

    it('?toleranceCents= overrides the configured tolerance', async () => {
      expect((await worklist(t.http, payerId, '&toleranceCents=0')).lines.map((l) => [l.claimId, l.lineNumber])).toEqual([
        [b.claimId, 1],
        [b.claimId, 2],
        [c.claimId, 1],
        [c.claimId, 2],
      ]);
      expect((await worklist(t.http, payerId, '&toleranceCents=1000')).lines.map((l) => l.varianceCents)).toEqual([-3_200]);
      expectProblem(await t.http.get('/worklists/underpayments?toleranceCents=-1'), 400);
      expectProblem(await t.http.get('/worklists/underpayments?toleranceCents=1.5'), 400);
    });

    it('the variance of every remitted line, at and above contract too, is on GET /claims/{id}/variances', async () => {
      const response = await t.http.get(`/claims/${a.claimId}/variances`).expect(200);
      expect(response.body.priced).toBe(true);
      expect(response.body.lines.map((l: { lineNumber: number; varianceCents: number }) => [l.lineNumber, l.varianceCents])).toEqual([
        [1, 0],
        [2, 300],
      ]);
      await t.http.get(`/claims/${uid('clm')}/variances`).expect(404);
    });

    it('another payer’s worklist is empty', async () => {
      expect((await worklist(t.http, uid('payer'))).lines).toEqual([]);
    });
  });

  describe('a second schedule with a later effective date', () => {
    beforeAll(async () => {
      beforeSecondSchedule = await Promise.all([a, b, c].map(async (claim) => (await t.http.get(`/claims/${claim.claimId}`).expect(200)).body as ClaimView));
      const raised = SCHEDULE_ROWS.map((row) => ({ ...row, allowedCents: row.allowedCents + 800 }));
      await t.http.post(`/payers/${payerId}/fee-schedules`).send({ scheduleId: 'h2-2026', effectiveFrom: '2026-07-01', rows: raised, modifierRules: MODIFIER_RULES }).expect(201);
    });

    it('leaves the first claims’ expectations, views and worklist lines unchanged', async () => {
      const after = await Promise.all([a, b, c].map(async (claim) => (await t.http.get(`/claims/${claim.claimId}`).expect(200)).body as ClaimView));
      expect(after).toEqual(beforeSecondSchedule);
      expect((await worklist(t.http, payerId)).lines.map((l) => [l.claimId, l.expectedAllowedCents])).toEqual([
        [b.claimId, 8_700],
        [c.claimId, 9_200],
      ]);
    });

    it('prices claims by date of service: after its start the new schedule, before it still the first', async () => {
      const autumn = await submit(t.http, payerId, [visit(), ecg()], '2026-08-03');
      expect(autumn).toMatchObject({ feeScheduleId: 'h2-2026', expectedAllowedCents: 10_000 + 2_500 });
      const spring = await submit(t.http, payerId, [visit(), ecg()], '2026-03-02');
      expect(spring).toMatchObject({ feeScheduleId: '2026-01-01', expectedAllowedCents: 10_900 });
      const list = await t.http.get(`/payers/${payerId}/fee-schedules?dateOfService=2026-08-03`).expect(200);
      expect(list.body.inForce).toBe('h2-2026');
      expect(list.body.schedules.map((s: { scheduleId: string }) => s.scheduleId)).toEqual(['2026-01-01', 'h2-2026']);
    });

    it('replay gives the same answer: the claim replayed from its events (?position=) equals its current view', async () => {
      const head = await t.eventCount();
      for (const claim of [a, b, c]) {
        const current = (await t.http.get(`/claims/${claim.claimId}`).expect(200)).body;
        const replayed = (await t.http.get(`/claims/${claim.claimId}?position=${head}`).expect(200)).body;
        expect(replayed).toEqual(current);
      }
    });
  });

  describe('resubmission prices the replacement afresh', () => {
    it('a corrected claim keeps its first expectation on its ClaimSubmitted and carries the new one on ClaimResubmitted', async () => {
      const claim = await submit(t.http, payerId, [knee()]);
      expect(claim.expectedAllowedCents).toBe(145_000);
      await t.http.post(`/claims/${claim.claimId}/denials`).send({ remittanceId: uid('era'), adjustments: [{ group: 'CO', reason: '16', amountCents: 300_000 }] }).expect(201);
      await t.http.post(`/claims/${claim.claimId}/corrections`).send({ reason: 'the procedure took far longer: modifier 22', lines: [knee(1, ['22'])] }).expect(201);
      const resubmitted = (await t.http.post(`/claims/${claim.claimId}/resubmissions`).send({}).expect(201)).body as ClaimView;
      expect(resubmitted).toMatchObject({ status: 'submitted', expectedAllowedCents: 181_250, feeScheduleId: '2026-01-01' });
      const events = await t.store.readStream(`claim-${claim.claimId}`);
      expect(events.map((e) => [e.type, (e.data as { expectedPayment?: { expectedAllowedCents: number } }).expectedPayment?.expectedAllowedCents])).toEqual([
        ['ClaimSubmitted', 145_000],
        ['DenialReceived', undefined],
        ['ClaimCorrected', undefined],
        ['ClaimResubmitted', 181_250],
      ]);
    });
  });

  describe('denial aggregates show the expected dollars at risk', () => {
    it('per payer and CARC: a whole-claim denial risks every open line, and after a partial payment only the lines not paid', async () => {
      const denialPayer = uid('payer');
      await t.http.post(`/payers/${denialPayer}/fee-schedules`).send({ effectiveFrom: '2026-01-01', rows: SCHEDULE_ROWS }).expect(201);
      const whole = await submit(t.http, denialPayer, [visit(), ecg()]);
      await t.http.post(`/claims/${whole.claimId}/denials`).send({ remittanceId: uid('era'), adjustments: [{ group: 'CO', reason: '16', amountCents: 20_000 }] }).expect(201);
      const partly = await submit(t.http, denialPayer, [visit(), ecg()]);
      await remit(t.http, partly, [{ line: visit(), paidCents: 9_200 }]);
      await t.http.post(`/claims/${partly.claimId}/denials`).send({ remittanceId: uid('era'), adjustments: [{ group: 'CO', reason: '50', amountCents: 5_000 }] }).expect(201);
      const unpriced = await submit(t.http, denialPayer, [visit()], '2025-06-02');
      await t.http.post(`/claims/${unpriced.claimId}/denials`).send({ remittanceId: uid('era'), adjustments: [{ group: 'CO', reason: '16', amountCents: 15_000 }] }).expect(201);

      const response = await t.http.get(`/denials?payerId=${denialPayer}`).expect(200);
      expect(response.body.aggregates).toEqual([
        { payerId: denialPayer, group: 'CO', reason: '16', denialCount: 2, deniedCents: 35_000, overturnedCount: 0, pricedDenialCount: 1, expectedDeniedCents: 10_900, expectedAtRiskCents: 10_900 },
        { payerId: denialPayer, group: 'CO', reason: '50', denialCount: 1, deniedCents: 5_000, overturnedCount: 0, pricedDenialCount: 1, expectedDeniedCents: 1_700, expectedAtRiskCents: 1_700 },
      ]);

      // Paid on appeal: the denial is overturned, no longer at risk (still counted as denied).
      await remit(t.http, whole, [{ line: visit(), paidCents: 9_200 }, { line: ecg(), paidCents: 1_700 }]);
      const after = await t.http.get(`/denials?payerId=${denialPayer}&reason=16`).expect(200);
      expect(after.body.aggregates).toEqual([expect.objectContaining({ overturnedCount: 1, expectedDeniedCents: 10_900, expectedAtRiskCents: 0 })]);
    });
  });

  describe('the read store rebuilt from the events', () => {
    it('gives the same claim views and worklist after a restart with read.sqlite deleted', async () => {
      const views = async () => Promise.all([a, b, c].map(async (claim) => (await t.http.get(`/claims/${claim.claimId}`).expect(200)).body as unknown));
      const before = { views: await views(), worklist: await worklist(t.http, payerId) };
      await t.close();
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(path.join(dataDir, `read.sqlite${suffix}`), { force: true });
      t = await startContractsApp({ underpaymentToleranceCents: TOLERANCE_CENTS, dataDir });
      expect({ views: await views(), worklist: await worklist(t.http, payerId) }).toEqual(before);
      expect(before.worklist.lines).toHaveLength(2);
    });
  });
});
