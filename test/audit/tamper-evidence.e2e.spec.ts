import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { verifyAuditPackage } from '../../src/audit/audit-package';
import { describeVerifyReport, verify } from '../../src/cli/audit';
import { paidClaim, startTestApp, type TestApp } from '../support/test-app';

/** A real ledger over HTTP, then an edit straight into the SQLite file, as an intruder with disk access would. */
describe('tamper evidence', () => {
  let t: TestApp;
  let claimId: string;
  let patientId: string;

  beforeAll(async () => {
    t = await startTestApp();
    for (let i = 0; i < 3; i++) await paidClaim(t.http);
    const claim = await paidClaim(t.http);
    claimId = claim.claimId;
    patientId = claim.patientId;
    await t.http
      .post(`/patients/${patientId}/payments`)
      .send({ paymentId: 'pay-audit', amountCents: 2_000, method: 'card', allocations: [{ claimId, amountCents: 2_000 }] })
      .expect(201);
  });

  afterAll(() => t.close());

  const config = () => ({ eventStore: 'sqlite' as const, dataDir: t.dataDir, host: '127.0.0.1', port: 0, esdbConnectionString: undefined });

  it('an untouched ledger verifies, and its digest is the one the API gives', async () => {
    const report = await verify(config());
    expect(report.ok).toBe(true);
    expect(report.eventsChecked).toBe(await t.eventCount());
    const api = await t.http.get('/ledger/digest').expect(200);
    expect(api.body).toEqual(report.digest);
    expect(describeVerifyReport(report)[0]).toMatch(/^ok: /);
  });

  it('the audit package verifies offline and replays to the claim the API shows', async () => {
    const response = await t.http.get(`/claims/${claimId}/audit`).expect(200);
    const verdict = verifyAuditPackage(response.text);
    expect(verdict).toMatchObject({ ok: true, problems: [], claimId });
    const claim = await t.http.get(`/claims/${claimId}`).expect(200);
    expect(JSON.parse(response.text).claim).toEqual(claim.body);
    expect(verdict.events).toBeGreaterThanOrEqual(3);
  });

  it('rejects a package with any one byte changed', async () => {
    const text = (await t.http.get(`/claims/${claimId}/audit`).expect(200)).text;
    const positions = [text.indexOf('"paidCents":') + 13, text.indexOf('"actor":') + 10, text.indexOf('"hash":') + 9, text.length - 5, 1];
    for (const at of positions) {
      const original = text.charCodeAt(at);
      const changed = text.slice(0, at) + String.fromCharCode(original === 0x31 ? 0x32 : 0x31) + text.slice(at + 1);
      expect(changed).not.toBe(text);
      expect(verifyAuditPackage(changed).ok).toBe(false);
    }
  });

  it('an event edited in the SQLite file is reported: exactly that stream and revision', async () => {
    const file = path.join(t.dataDir, 'events.sqlite');
    expect(fs.existsSync(file)).toBe(true);
    const db = new Database(file);
    const target = db
      .prepare("SELECT stream_id AS streamId, revision FROM events WHERE stream_id = ? AND type = 'RemittancePosted'")
      .get(`claim-${claimId}`) as { streamId: string; revision: number };
    db.prepare("UPDATE events SET data = replace(data, '\"paidCents\":12000', '\"paidCents\":120000') WHERE stream_id = ? AND revision = ?").run(
      target.streamId,
      target.revision,
    );
    db.close();

    const report = await verify(config());
    expect(report.ok).toBe(false);
    expect(report.firstBroken).toMatchObject({ streamId: `claim-${claimId}`, revision: target.revision, field: 'hash' });
    expect(report.firstBroken?.expected).not.toBe(report.firstBroken?.found);
    expect((await verify(config(), `claim-${claimId}`)).firstBroken).toMatchObject({ revision: target.revision });
    expect((await verify(config(), `patient-${patientId}`)).ok).toBe(true);
  });
});
