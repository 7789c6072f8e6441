/**
 * The claim scrubber over real HTTP on a real SQLite file: error edits block submission and
 * resubmission with one 422 listing every failed edit and nothing appended; warnings go out on
 * the event; POST /claims/scrub gives the verdict without submitting; with no rule file only
 * the built-in structural edits run.
 */
import { NestFactory } from '@nestjs/core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppModule } from '../../src/app.module';
import type { LedgerConfig } from '../../src/common/config';
import { expectProblem, uid, VALID_NPI, type Http, type ProblemBody } from '../support/test-app';
import { SCHEDULE_ROWS, startContractsApp, writeRulesFile, type ContractsApp } from './support';

const RULES = {
  about: 'scrubbing e2e rules (invented)',
  edits: { DUPLICATE_LINE: 'warning' },
  diagnosisSupport: [{ procedureCodes: ['93000-93010'], diagnosisPrefixes: ['I', 'R07'] }],
  unitsMax: { '97110': 4 },
  timelyFilingDays: { default: 365, payers: { 'payer-strict': 90 } },
};

interface Line {
  lineNumber: number;
  procedureCode: string;
  modifiers: string[];
  units: number;
  chargeCents: number;
  diagnosisPointers: number[];
}
const line = (lineNumber: number, procedureCode: string, overrides: Partial<Line> = {}): Line => ({
  lineNumber,
  procedureCode,
  modifiers: [],
  units: 1,
  chargeCents: 10_000,
  diagnosisPointers: [1],
  ...overrides,
});
const visit = line(1, '99213', { modifiers: ['25'], diagnosisPointers: [1, 2] });
const ecg = line(2, '93000', { diagnosisPointers: [2] });

interface ScrubProblem extends ProblemBody {
  edits: Array<{ editId: string; severity: string; message: string; lineNumbers?: number[] }>;
}

const code = async (http: Http, lines: Line[], dateOfService = '2026-03-02', diagnoses = ['M54.50', 'I10']): Promise<string> => {
  const encounterId = uid('enc');
  await http.post('/encounters').send({ encounterId, patientId: uid('pat'), providerNpi: VALID_NPI, dateOfService, diagnoses, lines }).expect(201);
  return encounterId;
};

describe('the claim scrubber with a rule file', () => {
  let t: ContractsApp;
  let rulesFile: string;

  beforeAll(async () => {
    rulesFile = writeRulesFile(RULES);
    t = await startContractsApp({ scrubRulesFile: rulesFile });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(rulesFile, { force: true });
  });

  describe('a claim failing two error edits', () => {
    it('gets one 422 naming both, and nothing is appended: no claim, the encounter not billed', async () => {
      // Modifier 25 on an ECG (line 2), and 6 units of therapy where 4 are payable (line 3).
      const encounterId = await code(t.http, [visit, line(2, '93000', { modifiers: ['25'], diagnosisPointers: [2] }), line(3, '97110', { units: 6 })]);
      const claimId = uid('clm');
      const before = await t.eventCount();
      const response = await t.http.post('/claims').send({ claimId, encounterId, payerId: uid('payer'), memberId: 'MBR1' });
      const problem = expectProblem(response, 422, 'CLAIM_FAILED_SCRUB') as ScrubProblem;
      expect(problem.type).toBe('/problems/rule-violation');
      expect(problem.edits.map((e) => [e.editId, e.severity, e.lineNumbers])).toEqual([
        ['MODIFIER_25_NOT_EM', 'error', [2]],
        ['UNITS_EXCEED_MAXIMUM', 'error', [3]],
      ]);
      expect(problem.detail).toBe('the claim fails 2 pre-submission edits and was not sent: MODIFIER_25_NOT_EM (line 2), UNITS_EXCEED_MAXIMUM (line 3)');
      expect(problem.errors).toEqual([
        { field: 'lines 2', message: expect.stringMatching(/^MODIFIER_25_NOT_EM: Line 2: modifier 25 goes only on an E\/M visit code/) },
        { field: 'lines 3', message: expect.stringMatching(/^UNITS_EXCEED_MAXIMUM: 97110 is billed for 6 units/) },
      ]);
      expect(await t.eventCount()).toBe(before);
      await t.http.get(`/claims/${claimId}`).expect(404);
      expect((await t.store.readStream(`encounter-${encounterId}`)).map((e) => e.type)).toEqual(['EncounterCoded']);

      // A retry under an Idempotency-Key is judged again: the same 422, still nothing appended.
      for (let attempt = 0; attempt < 2; attempt++) {
        const retry = await t.http.post('/claims').set('Idempotency-Key', `scrub-${claimId}`).send({ claimId, encounterId, payerId: uid('payer'), memberId: 'MBR1' });
        expect((expectProblem(retry, 422, 'CLAIM_FAILED_SCRUB') as ScrubProblem).edits).toHaveLength(2);
      }
      expect(await t.eventCount()).toBe(before);
    });

    it('claim-level edits are named too: a date of service in the future and timely filing', async () => {
      const future = await code(t.http, [visit, ecg], '2026-12-01');
      const early = await t.http.post('/claims').send({ claimId: uid('clm'), encounterId: future, payerId: uid('payer'), memberId: 'MBR1', submittedAt: '2026-11-20T10:00:00Z' });
      expect((expectProblem(early, 422, 'CLAIM_FAILED_SCRUB') as ScrubProblem).edits.map((e) => e.editId)).toEqual(['DATE_OF_SERVICE_IN_FUTURE']);
      const old = await code(t.http, [visit, ecg], '2026-03-02');
      const late = await t.http.post('/claims').send({ claimId: uid('clm'), encounterId: old, payerId: 'payer-strict', memberId: 'MBR1', submittedAt: '2026-06-01T10:00:00Z' });
      const problem = expectProblem(late, 422, 'CLAIM_FAILED_SCRUB') as ScrubProblem;
      expect(problem.errors).toEqual([{ field: 'claim', message: expect.stringMatching(/^TIMELY_FILING_EXCEEDED: The claim goes out 91 days after the date of service 2026-03-02; payer-strict accepts claims only within 90 days/) }]);
      // The same claim 90 days out goes through.
      await t.http.post('/claims').send({ claimId: uid('clm'), encounterId: old, payerId: 'payer-strict', memberId: 'MBR1', submittedAt: '2026-05-31T10:00:00Z' }).expect(201);
    });
  });

  describe('warnings', () => {
    it('let the claim go and are recorded on its ClaimSubmitted event and shown on the claim', async () => {
      const encounterId = await code(t.http, [visit, ecg, line(3, '93000', { diagnosisPointers: [2] })]);
      const response = await t.http.post('/claims').send({ claimId: uid('clm'), encounterId, payerId: uid('payer'), memberId: 'MBR1' }).expect(201);
      expect(response.body.scrubWarnings).toEqual([
        {
          editId: 'DUPLICATE_LINE',
          severity: 'warning',
          lineNumbers: [2, 3],
          message: expect.stringMatching(/^Lines 2 and 3 bill 93000 with no modifiers on the same date of service/),
        },
      ]);
      const [event] = await t.store.readStream(`claim-${response.body.claimId}`);
      expect((event?.data as { scrubWarnings: unknown }).scrubWarnings).toEqual(response.body.scrubWarnings);
    });

    it('a clean claim goes out with none, and its event carries no scrubWarnings field', async () => {
      const encounterId = await code(t.http, [visit, ecg]);
      const response = await t.http.post('/claims').send({ claimId: uid('clm'), encounterId, payerId: uid('payer'), memberId: 'MBR1' }).expect(201);
      expect(response.body.scrubWarnings).toEqual([]);
      const [event] = await t.store.readStream(`claim-${response.body.claimId}`);
      expect(event?.data).not.toHaveProperty('scrubWarnings');
    });
  });

  describe('resubmission', () => {
    const deniedClaim = async (): Promise<string> => {
      const encounterId = await code(t.http, [visit, ecg]);
      const claimId = uid('clm');
      await t.http.post('/claims').send({ claimId, encounterId, payerId: uid('payer'), memberId: 'MBR1' }).expect(201);
      await t.http.post(`/claims/${claimId}/denials`).send({ remittanceId: uid('era'), adjustments: [{ group: 'CO', reason: '11', amountCents: 20_000 }] }).expect(201);
      return claimId;
    };

    it('is scrubbed as the corrected claim stands: an error edit is a 422 and appends nothing', async () => {
      const claimId = await deniedClaim();
      // The "fix" points the ECG at the back pain, which the support list says does not support it.
      await t.http.post(`/claims/${claimId}/corrections`).send({ reason: 'repointed', lines: [visit, { ...ecg, diagnosisPointers: [1] }] }).expect(201);
      const preview = await t.http.post('/claims/scrub').send({ claimId }).expect(200);
      expect(preview.body.submittable).toBe(false);
      const before = await t.eventCount();
      const refused = await t.http.post(`/claims/${claimId}/resubmissions`).send({});
      expect((expectProblem(refused, 422, 'CLAIM_FAILED_SCRUB') as ScrubProblem).edits.map((e) => [e.editId, e.lineNumbers])).toEqual([['DIAGNOSIS_NOT_SUPPORTED', [2]]]);
      expect(await t.eventCount()).toBe(before);
      expect((await t.http.get(`/claims/${claimId}`).expect(200)).body).toMatchObject({ status: 'corrected', submissionCount: 1 });
    });

    it('a correction that passes goes out, its warnings recorded on ClaimResubmitted', async () => {
      const claimId = await deniedClaim();
      await t.http.post(`/claims/${claimId}/corrections`).send({ reason: 'added a repeat ECG', lines: [visit, ecg, { ...ecg, lineNumber: 3 }] }).expect(201);
      const response = await t.http.post(`/claims/${claimId}/resubmissions`).send({}).expect(201);
      expect(response.body).toMatchObject({ status: 'submitted', submissionCount: 2, scrubWarnings: [{ editId: 'DUPLICATE_LINE', lineNumbers: [2, 3] }] });
      const events = await t.store.readStream(`claim-${claimId}`);
      expect(events[events.length - 1]?.data).toMatchObject({ frequencyCode: '7', scrubWarnings: [{ editId: 'DUPLICATE_LINE' }] });
    });
  });

  describe('POST /claims/scrub: the verdict without submitting', () => {
    it('for a coded encounter and a payer: every finding, the expected payment, and nothing appended', async () => {
      const payerId = uid('payer');
      await t.http.post(`/payers/${payerId}/fee-schedules`).send({ effectiveFrom: '2026-01-01', rows: SCHEDULE_ROWS }).expect(201);
      const encounterId = await code(t.http, [visit, line(2, '93000', { modifiers: ['25'], diagnosisPointers: [1] }), line(3, 'G0439')]);
      const before = await t.eventCount();
      const response = await t.http.post('/claims/scrub').send({ encounterId, payerId, memberId: '' }).expect(200);
      expect(response.body.submittable).toBe(false);
      expect(response.body.ruleSet).toBe('configured');
      expect(response.body.edits.map((e: { editId: string; severity: string }) => [e.editId, e.severity])).toEqual([
        ['MEMBER_ID_MISSING', 'error'],
        ['MODIFIER_25_NOT_EM', 'error'],
        ['DIAGNOSIS_NOT_SUPPORTED', 'error'],
        ['LINE_NOT_ON_FEE_SCHEDULE', 'warning'],
      ]);
      expect(response.body.expectedPayment).toMatchObject({ scheduleId: '2026-01-01', expectedAllowedCents: 10_900 });
      expect(await t.eventCount()).toBe(before);
    });

    it('for a claim given inline (lines without pointers are the scrubber’s to report), and for an existing claim', async () => {
      const inline = await t.http
        .post('/claims/scrub')
        .send({ payerId: uid('payer'), memberId: 'MBR1', dateOfService: '2026-03-02', diagnoses: ['I10'], lines: [{ ...ecg, diagnosisPointers: [] }], submittedAt: '2026-03-03T10:00:00Z' })
        .expect(200);
      expect(inline.body).toMatchObject({ submittable: false, expectedPayment: null, edits: [{ editId: 'DIAGNOSIS_POINTER_MISSING', lineNumbers: [2] }] });
      const clean = await t.http.post('/claims/scrub').send({ payerId: uid('payer'), memberId: 'MBR1', dateOfService: '2026-03-02', diagnoses: ['M54.50', 'I10'], lines: [ecg] }).expect(200);
      expect(clean.body).toEqual({ submittable: true, ruleSet: 'configured', edits: [], expectedPayment: null });

      const encounterId = await code(t.http, [visit, ecg]);
      const claimId = uid('clm');
      await t.http.post('/claims').send({ claimId, encounterId, payerId: 'payer-strict', memberId: 'MBR1', submittedAt: '2026-03-03T10:00:00Z' }).expect(201);
      const later = await t.http.post('/claims/scrub').send({ claimId, submittedAt: '2026-07-01T10:00:00Z' }).expect(200);
      expect(later.body).toMatchObject({ submittable: false, edits: [{ editId: 'TIMELY_FILING_EXCEEDED' }] });
    });

    it('400 unless exactly one claim is named; 404 for an unknown encounter or claim', async () => {
      expectProblem(await t.http.post('/claims/scrub').send({ payerId: 'p' }), 400);
      expectProblem(await t.http.post('/claims/scrub').send({ claimId: 'x', encounterId: 'y', payerId: 'p' }), 400);
      expectProblem(await t.http.post('/claims/scrub').send({ encounterId: 'y' }), 400);
      expectProblem(await t.http.post('/claims/scrub').send({ payerId: 'p', dateOfService: '2026-03-02' }), 400);
      expectProblem(await t.http.post('/claims/scrub').send({ claimId: 'x', payerId: 'p' }), 400);
      expectProblem(await t.http.post('/claims/scrub').send({ payerId: 'p', dateOfService: '2026-03-02', diagnoses: ['I10'], lines: [{ ...ecg, procedureCode: 'ECG' }] }), 400);
      expectProblem(await t.http.post('/claims/scrub').send({ encounterId: uid('enc'), payerId: 'p' }), 404);
      expectProblem(await t.http.post('/claims/scrub').send({ claimId: uid('clm') }), 404);
    });
  });
});

describe('the claim scrubber without a rule file', () => {
  let t: ContractsApp;
  beforeAll(async () => {
    t = await startContractsApp();
  });
  afterAll(async () => t?.close());

  it('runs only the built-in structural edits: a claim the configured edits would stop goes out as before, with no warnings', async () => {
    const encounterId = await code(t.http, [visit, line(2, '93000', { modifiers: ['25'], diagnosisPointers: [1] }), line(3, '93000', { modifiers: ['25'], diagnosisPointers: [1] })], '2026-12-20');
    const response = await t.http.post('/claims').send({ claimId: uid('clm'), encounterId, payerId: uid('payer'), memberId: 'MBR1' }).expect(201);
    expect(response.body).toMatchObject({ scrubWarnings: [], expectedAllowedCents: null, feeScheduleId: null });
    const [event] = await t.store.readStream(`claim-${response.body.claimId}`);
    expect(Object.keys(event?.data as object).sort()).toEqual(
      ['claimId', 'encounterId', 'patientId', 'payerId', 'memberId', 'providerNpi', 'dateOfService', 'diagnoses', 'lines', 'totalChargeCents', 'frequencyCode', 'submittedAt'].sort(),
    );
    const verdict = await t.http.post('/claims/scrub').send({ encounterId, payerId: uid('payer'), memberId: ' ' }).expect(200);
    expect(verdict.body).toMatchObject({ submittable: false, ruleSet: 'built-in', edits: [{ editId: 'MEMBER_ID_MISSING', severity: 'error' }] });
    expect(verdict.body.edits).toHaveLength(1);
  });
});

describe('a rule file that is not valid', () => {
  // createApp lets Nest exit the process on a failed start (as `serve` should); here the same
  // module graph is built with abortOnError off, so the failure comes back as an error.
  const start = async (scrubRulesFile: string): Promise<void> => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bl-bad-rules-'));
    const config: LedgerConfig = { eventStore: 'sqlite', dataDir, host: '127.0.0.1', port: 0, esdbConnectionString: undefined, auth: 'off', scrubRulesFile };
    try {
      const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, undefined, { level: 'silent' }), { logger: false, abortOnError: false });
      await app.close();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  };

  it('stops the service at start, listing every problem', async () => {
    const file = writeRulesFile({ edits: { NO_SUCH_EDIT: 'error' }, unitsMax: { '97110': 0 } });
    try {
      await expect(start(file)).rejects.toThrow(/the scrub rules are not valid:\n {2}edits\.NO_SUCH_EDIT: unknown edit.*\n {2}unitsMax\.97110: a whole number from 1 to 9999/s);
      await expect(start(`${file}.missing`)).rejects.toThrow(/SCRUB_RULES_FILE .* cannot be read/);
      fs.writeFileSync(file, '{ "edits": ');
      await expect(start(file)).rejects.toThrow(/SCRUB_RULES_FILE .* is not JSON/);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});
