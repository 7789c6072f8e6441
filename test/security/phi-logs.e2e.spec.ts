import { Writable } from 'node:stream';
import { startTestApp, type TestApp } from '../support/test-app';

/** Runs a whole claim life with recognisable identifiers and greps every log line for them. */
describe('logs carry no protected health information', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      done();
    },
  });
  let t: TestApp;
  const ids = {
    patientId: 'pat-PHI-7731',
    encounterId: 'enc-PHI-7731',
    claimId: 'clm-PHI-7731',
    memberId: 'MBR-PHI-990011',
    payerId: 'payer-PHI-acme',
    paymentId: 'pay-PHI-7731',
    remittanceId: 'era-PHI-7731',
  };
  const codes = ['E11.65', 'I10', '99214', '93000', 'N130'];
  const amounts = ['17345', '6025', '12111', '3417'];

  beforeAll(async () => {
    t = await startTestApp({ auth: 'on', logStream: sink });
    const auth = `Bearer ${t.tokens.biller}`;
    const post = (url: string, body: object) => t.http.post(url).set('Authorization', auth).send(body);
    await post('/encounters', {
      encounterId: ids.encounterId,
      patientId: ids.patientId,
      providerNpi: '1234567893',
      dateOfService: '2026-10-14',
      diagnoses: ['E11.65', 'I10'],
      lines: [
        { lineNumber: 1, procedureCode: '99214', modifiers: [], units: 1, chargeCents: 17345, diagnosisPointers: [1] },
        { lineNumber: 2, procedureCode: '93000', modifiers: [], units: 1, chargeCents: 6025, diagnosisPointers: [2] },
      ],
    }).expect(201);
    await post('/claims', { claimId: ids.claimId, encounterId: ids.encounterId, payerId: ids.payerId, memberId: ids.memberId }).expect(201);
    await post(`/claims/${ids.claimId}/denials`, { remittanceId: 'den-PHI-1', adjustments: [{ group: 'CO', reason: '16', amountCents: 23370 }], remarks: ['N130'] }).expect(201);
    await post(`/claims/${ids.claimId}/corrections`, { reason: 'fixed' }).expect(201);
    await post(`/claims/${ids.claimId}/resubmissions`, {}).expect(201);
    await post(`/claims/${ids.claimId}/remittances`, {
      remittanceId: ids.remittanceId,
      paidCents: 12111 + 4608,
      lines: [
        { lineNumber: 1, paidCents: 12111, adjustments: [{ group: 'CO', reason: '45', amountCents: 1817 }, { group: 'PR', reason: '2', amountCents: 3417 }] },
        { lineNumber: 2, paidCents: 4608, adjustments: [{ group: 'CO', reason: '45', amountCents: 1417 }] },
      ],
    }).expect(201);
    await post(`/patients/${ids.patientId}/payments`, { paymentId: ids.paymentId, amountCents: 3417, method: 'card', allocations: [{ claimId: ids.claimId, amountCents: 3417 }] }).expect(201);
    await post(`/claims/${ids.claimId}/write-offs`, { amountCents: 999999, from: 'patient', reason: 'bad_debt' }).expect(422);
    await t.http.get(`/claims/${ids.claimId}?asOf=2026-10-15`).set('Authorization', auth);
    await t.http.get(`/patients/${ids.patientId}/balance`).set('Authorization', auth).expect(200);
    await t.http.get(`/payers/${ids.payerId}/balance`).set('Authorization', auth).expect(200);
    await t.http.get(`/claims/${ids.claimId}/history`).set('Authorization', auth).expect(200);
    await t.http.get(`/claims/no-such-${ids.claimId}`).set('Authorization', auth).expect(404);
    await t.http.post('/encounters').set('Authorization', 'Bearer wrong').send({ patientId: ids.patientId }).expect(401);
  });
  afterAll(() => t.close());

  it('every request left a structured log line with route template, method and status', () => {
    const requests = lines.map((l) => JSON.parse(l) as { msg?: string; res?: { route?: string; statusCode?: number } }).filter((l) => l.msg === 'request completed');
    expect(requests.length).toBeGreaterThanOrEqual(14);
    expect(requests.map((r) => r.res?.route)).toEqual(expect.arrayContaining(['/claims/:claimId/remittances', '/patients/:patientId/balance']));
    expect(requests.map((r) => r.res?.statusCode)).toEqual(expect.arrayContaining([201, 200, 404, 401, 422]));
  });

  /** Each line without the fields random by nature (timestamps, durations, request ids), which could match a number by chance. */
  const searchable = () =>
    lines.map((line) => {
      const { time: _time, pid: _pid, hostname: _host, responseTime: _ms, req, ...rest } = JSON.parse(line) as Record<string, unknown> & { req?: { id?: unknown } };
      return JSON.stringify({ ...rest, ...(req !== undefined && { req: { ...req, id: undefined } }) });
    });

  it.each([...Object.entries(ids), ...codes.map((c) => ['code', c]), ...amounts.map((a) => ['amount', a])])('no log line contains the %s %s', (_, value) => {
    expect(searchable().filter((l) => l.includes(value))).toEqual([]);
  });
});
