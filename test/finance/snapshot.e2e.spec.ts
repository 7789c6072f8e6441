/**
 * Ledger snapshots over real HTTP and through the CLI, on a real SQLite file: the same as-of
 * exported twice, with new events appended and every projection rebuilt in between, gives
 * byte-identical files; the manifest's hashes and control totals verify; the HTTP tar holds
 * exactly the CLI's files; trial balance and aging agree with the existing balance endpoints.
 */
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/app';
import { buildCli } from '../../src/cli';
import { rebuild } from '../../src/cli/rebuild';
import { loadConfig, type LedgerConfig } from '../../src/common/config';
import { HASH_ALGORITHM } from '../../src/event-store/hash-chain';
import { CHART_OF_ACCOUNTS } from '../../src/finance/chart-of-accounts';
import type { Manifest } from '../../src/finance/snapshot-export';
import { encounterBody, expectProblem, remittanceBody } from '../support/test-app';

const HOUR_MS = 3_600_000;
const T0 = Date.parse('2026-03-02T09:00:00.000Z');
/** The as-of of every snapshot here: after the first batch of events, before the second. */
const AS_OF = '2026-03-02T15:00:00.000Z';

/** A clock the test moves: events are recorded at the instants the story says. */
const clock = { ms: T0, now: () => new Date(clock.ms) };

const binary = (res: request.Response, done: (error: Error | null, body: Buffer) => void): void => {
  const chunks: Buffer[] = [];
  (res as unknown as NodeJS.ReadableStream).on('data', (chunk: Buffer) => chunks.push(chunk));
  (res as unknown as NodeJS.ReadableStream).on('end', () => done(null, Buffer.concat(chunks)));
};

/** Reads a ustar archive (regular files only), checking each header's checksum. */
const untar = (archive: Buffer): Array<{ name: string; mtime: number; mode: number; data: Buffer }> => {
  const members: Array<{ name: string; mtime: number; mode: number; data: Buffer }> = [];
  let offset = 0;
  for (;;) {
    const header = archive.subarray(offset, offset + 512);
    if (header.length < 512) throw new Error('archive ends without its two zero blocks');
    if (header.every((b) => b === 0)) {
      expect(archive.subarray(offset).every((b) => b === 0)).toBe(true);
      expect(archive.length - offset).toBe(1024);
      return members;
    }
    const field = (start: number, length: number): string => header.subarray(start, start + length).toString('ascii').replace(/\0.*$/s, '').trim();
    const stored = parseInt(field(148, 8), 8);
    const blanked = Buffer.from(header);
    blanked.fill(0x20, 148, 156);
    expect(blanked.reduce((sum, b) => sum + b, 0)).toBe(stored);
    expect(field(257, 6)).toBe('ustar');
    const size = parseInt(field(124, 12), 8);
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    members.push({ name, mtime: parseInt(field(136, 12), 8), mode: parseInt(field(100, 8), 8), data: archive.subarray(offset + 512, offset + 512 + size) });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
};

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
const readDir = (dir: string): Map<string, Buffer> => new Map(fs.readdirSync(dir).sort().map((name) => [name, fs.readFileSync(path.join(dir, name))]));

/** Parses RFC 4180 CSV as this exporter writes it (CRLF records, quoted fields may hold commas, quotes, newlines). */
const parseCsv = (text: string): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), i++;
    else field += c;
  }
  expect(field).toBe('');
  return rows;
};

const csvObjects = (data: Buffer): Array<Record<string, string>> => {
  const [header, ...rows] = parseCsv(data.toString('utf8'));
  return rows.map((r) => Object.fromEntries((header as string[]).map((h, i) => [h, r[i] as string])));
};

/** The manifest's hashes, sizes and row counts are those of the files beside it. */
const verifyManifest = (files: Map<string, Buffer>): Manifest => {
  const manifest = JSON.parse((files.get('manifest.json') as Buffer).toString('utf8')) as Manifest;
  expect(manifest.files.map((f) => f.name).sort()).toEqual([...files.keys()].filter((n) => n !== 'manifest.json').sort());
  for (const entry of manifest.files) {
    const data = files.get(entry.name) as Buffer;
    expect(sha256(data)).toBe(entry.sha256);
    expect(data.length).toBe(entry.bytes);
    const lines = data.toString('utf8').split(manifest.format === 'csv' ? '\r\n' : '\n').filter((l) => l !== '');
    if (manifest.format === 'csv') expect(parseCsv(data.toString('utf8')).length - 1).toBe(entry.rows);
    else expect(lines.length).toBe(entry.rows);
  }
  const totals = manifest.controlTotals;
  expect(totals.debitCents).toBe(totals.creditCents);
  expect(totals.arPayerCents).toBe(totals.payerBalanceCents);
  expect(totals.arPatientCents - totals.patientCreditsCents).toBe(totals.patientBalanceCents);
  // The audit chain's ledger digest at exactly the snapshot's position (docs/audit.md).
  expect(manifest.auditDigest).toEqual({ algorithm: HASH_ALGORITHM, position: manifest.position, digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
  expect(manifest.softwareVersion).toBe((JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version);
  return manifest;
};

describe('ledger snapshots (HTTP and CLI, real SQLite file)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bl-finance-'));
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bl-finance-out-'));
  // From the environment loader, as `serve` builds it; authentication is another capability's to test.
  const config: LedgerConfig = loadConfig({ LEDGER_DATA_DIR: dataDir, EVENT_STORE: 'sqlite', AUTH: 'off' });
  let app: INestApplication | null = null;
  let http: ReturnType<typeof request>;
  const payerId = 'payer-fin-1';
  const otherPayerId = 'payer-fin-2';
  const patientId = 'pat-fin-1';
  let firstTar: Buffer;
  let firstCli: Map<string, Buffer>;

  const start = async (): Promise<void> => {
    app = await createApp(config, { logger: false, clock });
    await app.listen(0, '127.0.0.1');
    http = request(app.getHttpServer() as Server);
  };
  const stop = async (): Promise<void> => {
    await app?.close();
    app = null;
  };
  const at = (hours: number): void => void (clock.ms = T0 + hours * HOUR_MS);
  const snapshot = (query: string) => http.get(`/ledger/snapshots?${query}`).buffer(true).parse(binary);
  const cliExport = async (dir: string, format = 'csv'): Promise<Map<string, Buffer>> => {
    const previous = process.env['LEDGER_DATA_DIR'];
    process.env['LEDGER_DATA_DIR'] = dataDir;
    try {
      await buildCli().exitOverride().parseAsync(['node', 'billing-ledger', 'export', '--as-of', AS_OF, '--out', dir, '--format', format]);
    } finally {
      if (previous === undefined) delete process.env['LEDGER_DATA_DIR'];
      else process.env['LEDGER_DATA_DIR'] = previous;
    }
    return readDir(dir);
  };
  const claim = async (claimId: string, payer: string, submittedAt: string): Promise<void> => {
    const encounter = encounterBody({ patientId });
    await http.post('/encounters').send(encounter).expect(201);
    await http.post('/claims').send({ claimId, encounterId: encounter.encounterId, payerId: payer, memberId: 'MBR1', submittedAt }).expect(201);
  };

  beforeAll(async () => {
    await start();
    // Before the as-of: three claims. A is paid with PR-2 2000, the patient pays 2500 (1500 to A, 1000 credit);
    // B is denied then voided; C is paid, taken back, and awaits the payer again.
    at(0);
    await claim('clm-fin-a', payerId, '2026-01-05T10:00:00Z');
    await claim('clm-fin-b', otherPayerId, '2026-02-20T10:00:00Z');
    await claim('clm-fin-c', payerId, '2025-10-01T10:00:00Z');
    at(1);
    await http.post('/claims/clm-fin-a/remittances').send({ ...remittanceBody('era-fin-a'), receivedAt: '2026-01-25T00:00:00Z' }).expect(201);
    await http.post('/claims/clm-fin-b/denials').send({ remittanceId: 'era-fin-b', adjustments: [{ group: 'CO', reason: '16', amountCents: 20_000 }], remarks: ['N130'] }).expect(201);
    await http.post('/claims/clm-fin-c/remittances').send(remittanceBody('era-fin-c')).expect(201);
    at(2);
    await http.post(`/patients/${patientId}/payments`).send({ paymentId: 'pay-fin-1', amountCents: 2_500, method: 'card', allocations: [{ claimId: 'clm-fin-a', amountCents: 1_500 }] }).expect(201);
    await http.post('/claims/clm-fin-b/void').send({ reason: 'billed to the wrong payer, "secondary", not primary' }).expect(201);
    await http.post('/claims/clm-fin-c/remittances/era-fin-c/reversal').send({}).expect(201);
    at(8);
  });

  afterAll(async () => {
    await stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('streams a tar of journal, trial balance, claims, aging and manifest whose hashes and control totals verify', async () => {
    const response = await snapshot(`asOf=${AS_OF}&format=csv`).expect(200);
    expect(response.headers['content-type']).toBe('application/x-tar');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="ledger-snapshot-.*-csv\.tar"$/);
    firstTar = response.body as Buffer;
    expect(Number(response.headers['content-length'])).toBe(firstTar.length);
    const members = untar(firstTar);
    expect(members.map((m) => m.name)).toEqual(['journal.csv', 'trial-balance.csv', 'claims.csv', 'aging.csv', 'manifest.json']);
    for (const m of members) expect([m.mode, m.mtime]).toEqual([0o644, Date.parse(AS_OF) / 1000]);
    const files = new Map(members.map((m) => [m.name, m.data]));
    const manifest = verifyManifest(files);
    expect(manifest.asOf).toBe(AS_OF);
    expect(response.headers['x-ledger-position']).toBe(manifest.position);
    const digest = await http.get('/ledger/digest').query({ position: manifest.position }).expect(200);
    expect(manifest.auditDigest?.digest).toBe(digest.body.digest);
    expect(manifest.controlTotals.claimCount).toBe(3);
    // Every CSV record ends in CRLF; the void reason with a comma and quotes is quoted and doubled.
    const journalText = (files.get('journal.csv') as Buffer).toString('utf8');
    expect(journalText.endsWith('\r\n')).toBe(true);
    expect(journalText.split('\r\n').slice(0, -1).every((line) => !line.includes('\n'))).toBe(true);
    expect(journalText).toContain('"void: billed to the wrong payer, ""secondary"", not primary: charges"');

    const claims = csvObjects(files.get('claims.csv') as Buffer);
    expect(claims.map((c) => [c['claimId'], c['status'], c['payerBalanceCents'], c['patientBalanceCents']])).toEqual([
      ['clm-fin-a', 'paid', '0', '500'],
      ['clm-fin-b', 'voided', '0', '0'],
      ['clm-fin-c', 'submitted', '20000', '0'],
    ]);
    const journal = csvObjects(files.get('journal.csv') as Buffer);
    const sumOf = (rows: Array<Record<string, string>>, key: string): number => rows.reduce((s, r) => s + Number(r[key]), 0);
    expect(sumOf(journal, 'debitCents')).toBe(sumOf(journal, 'creditCents'));
    for (const line of journal) {
      expect(line['recordedAt']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(line['businessAt']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Number.isSafeInteger(Number(line['debitCents'])) && Number.isSafeInteger(Number(line['creditCents']))).toBe(true);
    }
    // The trial balance file is the replayed one the API answers, account by account.
    const tb = (await http.get(`/ledger/trial-balance?asOf=${AS_OF}`).expect(200)).body as { position: string; accounts: Array<Record<string, unknown>> };
    expect(tb.position).toBe(manifest.position);
    expect(csvObjects(files.get('trial-balance.csv') as Buffer)).toEqual(tb.accounts.map((a) => Object.fromEntries(Object.entries(a).map(([k, v]) => [k, String(v)]))));
    expect(tb.accounts.map((a) => a['account'])).toEqual(CHART_OF_ACCOUNTS.map((a) => a.code));
  });

  it('aging agrees with the payer and patient balance endpoints as of the same instant', async () => {
    const aging = (await http.get(`/ledger/aging?asOf=${AS_OF}`).expect(200)).body as {
      payers: Array<{ payerId: string; claimCount: number; aging: Record<string, number>; totalCents: number }>;
      patients: { claimCount: number; aging: Record<string, number>; creditsCents: number; totalCents: number };
    };
    for (const id of [payerId, otherPayerId]) {
      const payer = (await http.get(`/payers/${id}/balance?asOf=${AS_OF}`).expect(200)).body as { payerBalanceCents: number; claimCount: number; aging: Record<string, number> };
      expect(aging.payers.find((p) => p.payerId === id)).toEqual({ payerId: id, claimCount: payer.claimCount, aging: payer.aging, totalCents: payer.payerBalanceCents });
    }
    // C was first submitted 2025-10-01: 152 days before the as-of, so its 20000 is in 121+.
    expect(aging.payers.find((p) => p.payerId === payerId)?.aging['121+']).toBe(20_000);
    const patient = (await http.get(`/patients/${patientId}/balance?asOf=${AS_OF}`).expect(200)).body as { balanceCents: number; unallocatedCreditCents: number };
    expect(aging.patients.totalCents).toBe(patient.balanceCents);
    expect(aging.patients.creditsCents).toBe(patient.unallocatedCreditCents);
    // A's 500 has been owed since the remittance's business date 2026-01-25: 36 days → 31-60.
    expect(aging.patients.aging).toEqual({ '0-30': 0, '31-60': 500, '61-90': 0, '91-120': 0, '121+': 0 });
  });

  it('the CLI writes exactly the files of the download', async () => {
    firstCli = await cliExport(path.join(outDir, 'first'));
    expect(firstCli).toEqual(new Map(untar(firstTar).map((m) => [m.name, m.data])));
    verifyManifest(firstCli);
  });

  it('exports the same as-of byte for byte after new events and a rebuild of every projection', async () => {
    at(9);
    await http.post('/claims/clm-fin-c/remittances').send(remittanceBody('era-fin-c2')).expect(201);
    await http.post('/claims/clm-fin-a/write-offs').send({ amountCents: 500, from: 'patient', reason: 'charity' }).expect(201);
    await http.post(`/patients/${patientId}/refunds`).send({ refundId: 'ref-fin-1', amountCents: 1_000 }).expect(201);
    await claim('clm-fin-d', payerId, '2026-03-02T18:00:00Z');
    await stop();
    await rebuild(config, []);
    await start();
    at(10);

    const second = await snapshot(`asOf=${AS_OF}&format=csv`).expect(200);
    expect(sha256(second.body as Buffer)).toBe(sha256(firstTar));
    const secondCli = await cliExport(path.join(outDir, 'second'));
    for (const [name, data] of firstCli) expect(sha256(secondCli.get(name) as Buffer)).toBe(sha256(data));
    expect([...secondCli.keys()]).toEqual([...firstCli.keys()]);
    // The files also verify with the system's own tools where they exist.
    const sums = (JSON.parse((secondCli.get('manifest.json') as Buffer).toString('utf8')) as Manifest).files.map((f) => `${f.sha256}  ${f.name}`).join('\n');
    fs.writeFileSync(path.join(outDir, 'second', 'SHA256SUMS'), `${sums}\n`);
    try {
      execFileSync('sha256sum', ['--check', '--quiet', 'SHA256SUMS'], { cwd: path.join(outDir, 'second') });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') console.warn('sha256sum not installed: skipped the check with the system tool (hashes were verified in-process)');
      else throw error;
    }

    // Now the books have moved: a later as-of differs, and the current answers (from the journal projection) equal a replay to now.
    const now = new Date(clock.ms).toISOString();
    const later = untar((await snapshot(`asOf=${now}&format=csv`).expect(200)).body as Buffer);
    expect(sha256(later.find((m) => m.name === 'journal.csv')!.data)).not.toBe(sha256(firstCli.get('journal.csv') as Buffer));
    const current = (await http.get('/ledger/trial-balance').expect(200)).body as { accounts: unknown[]; position: string };
    const replayed = (await http.get(`/ledger/trial-balance?asOf=${now}`).expect(200)).body as { accounts: unknown[]; position: string };
    expect(current.accounts).toEqual(replayed.accounts);
    expect(current.position).toBe(replayed.position);
    const currentAging = (await http.get('/ledger/aging').expect(200)).body as { payers: unknown; patients: unknown };
    const replayedAging = (await http.get(`/ledger/aging?asOf=${now}`).expect(200)).body as { payers: unknown; patients: unknown };
    expect(currentAging.payers).toEqual(replayedAging.payers);
    expect(currentAging.patients).toEqual(replayedAging.patients);
  });

  it('JSON Lines: the same rows, one object per line, hashes verified', async () => {
    const members = untar((await snapshot(`asOf=${AS_OF}&format=jsonl`).expect(200)).body as Buffer);
    expect(members.map((m) => m.name)).toEqual(['journal.jsonl', 'trial-balance.jsonl', 'claims.jsonl', 'aging.jsonl', 'manifest.json']);
    const files = new Map(members.map((m) => [m.name, m.data]));
    const manifest = verifyManifest(files);
    const csvManifest = JSON.parse((firstCli.get('manifest.json') as Buffer).toString('utf8')) as Manifest;
    expect(manifest.controlTotals).toEqual(csvManifest.controlTotals);
    const jsonClaims = (files.get('claims.jsonl') as Buffer).toString('utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const csvClaims = csvObjects(firstCli.get('claims.csv') as Buffer);
    expect(jsonClaims.map((c) => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v === null ? '' : String(v)])))).toEqual(csvClaims);
    expect(typeof jsonClaims[0]?.['chargesCents']).toBe('number');
    expect(typeof jsonClaims[0]?.['lastPosition']).toBe('string');
  });

  it('the journal endpoint pages a claim\'s lines, which sum to its balances', async () => {
    const page1 = (await http.get('/ledger/journal?claimId=clm-fin-a&limit=3').expect(200)).body as { lines: Array<{ account: string; debitCents: number; creditCents: number }>; nextCursor?: string };
    expect(page1.lines).toHaveLength(3);
    const rest = (await http.get(`/ledger/journal?claimId=clm-fin-a&limit=100&cursor=${page1.nextCursor}`).expect(200)).body as typeof page1;
    expect(rest.nextCursor).toBeUndefined();
    const lines = [...page1.lines, ...rest.lines];
    const net = (account: string): number => lines.filter((l) => l.account === account).reduce((s, l) => s + l.debitCents - l.creditCents, 0);
    const view = (await http.get('/claims/clm-fin-a').expect(200)).body as { balances: { payerBalanceCents: number; patientBalanceCents: number } };
    expect(net('1200')).toBe(view.balances.payerBalanceCents);
    expect(net('1210')).toBe(view.balances.patientBalanceCents);
  });

  it('refunds bad requests with problem details and appends nothing', async () => {
    const head = ((await http.get('/health').expect(200)).body as { store: { headPosition: string } }).store.headPosition;
    expectProblem(await http.get('/ledger/snapshots?format=csv'), 400);
    expectProblem(await http.get('/ledger/snapshots?asOf=yesterday'), 400);
    expectProblem(await http.get(`/ledger/snapshots?asOf=${AS_OF}&format=xlsx`), 400);
    expectProblem(await http.get(`/ledger/snapshots?asOf=${new Date(clock.ms + HOUR_MS).toISOString()}`), 400);
    expectProblem(await http.get('/ledger/trial-balance?asOf=2026-02-30'), 400);
    expectProblem(await http.get('/ledger/aging?position=-1'), 400);
    expectProblem(await http.get('/ledger/journal?limit=0'), 400);
    expectProblem(await http.get('/ledger/journal?cursor=bm9wZQ'), 400);
    expect(((await http.get('/health').expect(200)).body as { store: { headPosition: string } }).store.headPosition).toBe(head);
    await expect(cliExport(path.join(outDir, 'bad'), 'xml')).rejects.toThrow(/format must be one of csv, jsonl/);
  });
});
