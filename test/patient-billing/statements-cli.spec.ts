/**
 * `billing-ledger statements --as-of ISO --out DIR` on a real data directory: a ledger written
 * through the real app over HTTP, then the CLI's run issues one statement per patient who owed
 * something, one PDF each and statements.csv; run again, it issues nothing twice and writes the
 * same bytes.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import request from 'supertest';
import { buildCli } from '../../src/cli';
import { issueStatementsToDirectory, STATEMENTS_CSV } from '../../src/cli/statements';
import { createApp } from '../../src/app';
import type { LedgerConfig } from '../../src/common/config';
import { InvalidInput } from '../../src/common/errors';
import { uid } from '../support/test-app';
import { COINSURANCE_LINES, DEDUCTIBLE_COPAY_LINES, pdfText, remittedClaim, TestClock } from './support';

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('billing-ledger statements (CLI)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bl-statements-'));
  const outDir = path.join(dataDir, 'out');
  const config: LedgerConfig = { eventStore: 'sqlite', dataDir, host: '127.0.0.1', port: 0, esdbConnectionString: undefined, auth: 'off' };
  const [alice, bob, carol] = [uid('pat-alice'), uid('pat-bob'), uid('pat-carol')];
  const cliClock = new TestClock('2025-02-01T08:00:00Z');

  beforeAll(async () => {
    const clock = new TestClock('2025-01-06T09:00:00Z');
    const app = await createApp(config, { logger: false, clock });
    try {
      await app.init();
      // Fastify registers its routes when ready; supertest then serves the unlistened server itself.
      await (app.getHttpAdapter().getInstance() as FastifyInstance).ready();
      const http = request(app.getHttpServer());
      await remittedClaim(http, alice, COINSURANCE_LINES());
      await remittedClaim(http, alice, DEDUCTIBLE_COPAY_LINES(), { dateOfService: '2025-01-03' });
      await remittedClaim(http, bob, DEDUCTIBLE_COPAY_LINES());
      // Carol's insurer paid everything: she owes nothing and gets no statement.
      await remittedClaim(http, carol, [
        { lineNumber: 1, paidCents: 10_000, adjustments: [{ group: 'CO', reason: '45', amountCents: 5_000 }] },
        { lineNumber: 2, paidCents: 5_000, adjustments: [] },
      ]);
    } finally {
      await app.close();
    }
  });

  afterAll(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('issues one statement per patient who owed something, one PDF each and a CSV summary', async () => {
    const result = await issueStatementsToDirectory(config, { asOf: '2025-01-31', out: outDir, actor: 'cli-test' }, cliClock);
    expect(result).toMatchObject({ asOf: '2025-01-31T23:59:59.999Z', issued: 2, existing: 0, skipped: 1 });
    const pdfs = [`${alice}-stmt-2025-01-31.pdf`, `${bob}-stmt-2025-01-31.pdf`].sort();
    expect(result.files.sort()).toEqual(pdfs);
    expect(fs.readdirSync(outDir).sort()).toEqual([...pdfs, STATEMENTS_CSV].sort());

    const rows = fs.readFileSync(path.join(outDir, STATEMENTS_CSV), 'utf8').trimEnd().split('\r\n');
    expect(rows[0]).toBe('patient_id,statement_id,statement_date,due_date,as_of,claim_count,balance_cents,amount_due_cents,file,sha256');
    const byPatient = new Map(rows.slice(1).map((r) => [r.split(',')[0], r.split(',')]));
    expect(byPatient.get(alice)?.slice(1, 8)).toEqual(['stmt-2025-01-31', '2025-01-31', '2025-03-02', '2025-01-31T23:59:59.999Z', '2', '7500', '7500']);
    expect(byPatient.get(bob)?.slice(5, 8)).toEqual(['1', '5500', '5500']);
    for (const row of byPatient.values()) expect(row[9]).toBe(sha256(path.join(outDir, row[8] as string)));

    const text = await pdfText(fs.readFileSync(path.join(outDir, `${alice}-stmt-2025-01-31.pdf`)));
    expect(text).toContain('Amount due: $75.00 by 2025-03-02');
    expect(text).toContain('Coinsurance (PR-2) $20.00');
    expect(text).toContain('Deductible (PR-1) $30.00');
  });

  it('run again with the same as-of: nothing issued twice, the same files byte for byte', async () => {
    const before = Object.fromEntries(fs.readdirSync(outDir).map((f) => [f, sha256(path.join(outDir, f))]));
    const result = await issueStatementsToDirectory(config, { asOf: '2025-01-31', out: outDir, actor: 'cli-test' }, cliClock);
    expect(result).toMatchObject({ issued: 0, existing: 2, skipped: 1 });
    expect(Object.fromEntries(fs.readdirSync(outDir).map((f) => [f, sha256(path.join(outDir, f))]))).toEqual(before);
  });

  it('is registered as `billing-ledger statements --as-of ISO --out DIR`', () => {
    const command = buildCli().commands.find((c) => c.name() === 'statements');
    expect(command?.options.map((o) => o.long)).toEqual(['--as-of', '--out', '--due-date', '--actor']);
  });

  it('refuses an as-of in the future or a due date that is no date', async () => {
    await expect(issueStatementsToDirectory(config, { asOf: '2025-02-02', out: outDir, actor: 'cli-test' }, cliClock)).rejects.toThrow(InvalidInput);
    await expect(issueStatementsToDirectory(config, { asOf: '2025-01-31', out: outDir, actor: 'cli-test', dueDate: '03/02/2025' }, cliClock)).rejects.toThrow(InvalidInput);
  });
});
