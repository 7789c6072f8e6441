/**
 * Crash safety, end to end: the built server runs as a child process on real SQLite files, a
 * burst of commands arrives over HTTP, the process is SIGKILLed mid-burst, and the ledger must
 * hold every command it acknowledged, with read models equal to a rebuild from the events.
 * Loopback only: the client speaks to 127.0.0.1.
 */
import { dumpReadModel } from '../support/read-model-dump';
import { freePort, killAllServers, runningServers, send, startServer as startChildServer, type Answer, type ChildServer } from '../support/child-server';
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ALL_PROJECTIONS } from '../../src/projections/all-projections';
import { ProjectionRunner } from '../../src/projections/projection-runner';
import { openReadDatabase, type ReadDatabase } from '../../src/projections/read-store';
import type { Position, RecordedEvent } from '../../src/event-store/event-store';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store';

const ROOT = path.resolve(__dirname, '../..');
/** Encounters in the burst; each is a chain of 4 commands (code, submit, remit, patient payment). */
const CHAINS = 100;
/** Chains run concurrently (so up to this many requests are in flight at once). */
const CHAINS_IN_FLIGHT = 40;
const PATIENT_COUNT = 10;
/** SIGKILL once this many commands were acknowledged (of CHAINS × 4): well inside the burst. */
const KILL_AFTER_ACKS = 180;
const SERVER_START_TIMEOUT_MS = 20_000;
const SERVER_OUTPUT_TAIL_CHARS = 20_000;
const REQUEST_TIMEOUT_MS = 15_000;

jest.setTimeout(60_000);

// ---------------------------------------------------------------- server and HTTP helpers

interface Server extends ChildServer {
  port: number;
}

/** The admin token the server wrote to its data dir on first start (authentication is on by default). */
let bearer: string | undefined;

const request = (port: number, method: string, urlPath: string, body?: unknown, agent?: http.Agent): Promise<Answer> =>
  send(port, method, urlPath, {
    headers: { 'X-Actor': 'crash-test', ...(bearer !== undefined && { Authorization: `Bearer ${bearer}` }) },
    body,
    ...(agent !== undefined && { agent }),
    timeoutMs: REQUEST_TIMEOUT_MS,
  });

const startServer = async (dataDir: string): Promise<Server> => {
  const port = await freePort();
  const { server } = await startChildServer(path.join(ROOT, 'dist', 'main.js'), port, { LEDGER_DATA_DIR: dataDir, EVENT_STORE: 'sqlite' }, {
    cwd: ROOT,
    timeoutMs: SERVER_START_TIMEOUT_MS,
    outputTailChars: SERVER_OUTPUT_TAIL_CHARS,
  });
  bearer = fs.readFileSync(path.join(dataDir, 'admin.token'), 'utf8').trim();
  return { ...server, port };
};

// ---------------------------------------------------------------- read-model helpers

const dump = (db: Database.Database) => dumpReadModel(db);

/** A fresh read database fed every event up to `until` (all when null), in pages. */
const rebuildInto = async (store: SqliteEventStore, file: string, until: Position | null): Promise<ReadDatabase> => {
  const db = openReadDatabase(file);
  const runner = new ProjectionRunner(store, db, ALL_PROJECTIONS);
  if (until === null) {
    await runner.rebuild();
    return db;
  }
  runner.prepare();
  let after = 0n;
  for (;;) {
    const page: RecordedEvent[] = (await store.readAll(after, { maxCount: 500 })).filter((e) => e.position <= until);
    const last = page[page.length - 1];
    if (!last) return db;
    runner.applyBatch(page);
    after = last.position;
  }
};

/** Copies a SQLite file as it lies on disk after a crash, with its WAL (the shared-memory index is rebuilt). */
const copyDatabase = (from: string, to: string): void => {
  fs.copyFileSync(from, to);
  if (fs.existsSync(`${from}-wal`)) fs.copyFileSync(`${from}-wal`, `${to}-wal`);
};

// ---------------------------------------------------------------- the burst

type CommandKind = 'encounter' | 'claim' | 'remittance' | 'payment';
const CHAIN: readonly CommandKind[] = ['encounter', 'claim', 'remittance', 'payment'];

const patientOf = (i: number): string => `pat-${i % PATIENT_COUNT}`;

const commandFor = (kind: CommandKind, i: number): { path: string; body: unknown } => {
  switch (kind) {
    case 'encounter':
      return {
        path: '/encounters',
        body: {
          encounterId: `enc-${i}`,
          patientId: patientOf(i),
          providerNpi: '1234567893',
          dateOfService: '2025-03-14',
          diagnoses: ['E11.9', 'I10'],
          lines: [{ lineNumber: 1, procedureCode: '99213', modifiers: ['25'], units: 1, chargeCents: 10_000, diagnosisPointers: [1, 2] }],
        },
      };
    case 'claim':
      return { path: '/claims', body: { claimId: `clm-${i}`, encounterId: `enc-${i}`, payerId: 'payer-60054', memberId: `M${i}` } };
    case 'remittance':
      // Charge 100.00 = paid 70.00 + CO-45 20.00 + PR-2 10.00 (the patient owes 10.00).
      return {
        path: `/claims/clm-${i}/remittances`,
        body: {
          remittanceId: `era-${i}`,
          paidCents: 7_000,
          lines: [
            {
              lineNumber: 1,
              paidCents: 7_000,
              adjustments: [
                { group: 'CO', reason: '45', amountCents: 2_000 },
                { group: 'PR', reason: '2', amountCents: 1_000 },
              ],
            },
          ],
        },
      };
    case 'payment':
      // 15.00 received: 10.00 settles the claim, 5.00 is patient credit.
      return {
        path: `/patients/${patientOf(i)}/payments`,
        body: { paymentId: `pay-${i}`, amountCents: 1_500, method: 'card', allocations: [{ claimId: `clm-${i}`, amountCents: 1_000 }] },
      };
  }
};

interface BurstResult {
  /** `kind:i` of every command answered 2xx. */
  acknowledged: Set<string>;
  /** Answers other than 2xx before the kill (none are expected). */
  refused: Array<{ command: string; status: number; body: unknown }>;
  /** Requests sent and not yet answered when the kill was sent. */
  inFlightAtKill: number;
  /** Requests that never got an answer (the connection died with the server). */
  unanswered: number;
}

const burst = async (server: Server): Promise<BurstResult> => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const acknowledged = new Set<string>();
  const refused: BurstResult['refused'] = [];
  let inFlight = 0;
  let inFlightAtKill = -1;
  let unanswered = 0;
  const killOnce = (): void => {
    if (inFlightAtKill >= 0) return;
    inFlightAtKill = inFlight;
    server.child.kill('SIGKILL');
  };
  const chain = async (i: number): Promise<void> => {
    for (const kind of CHAIN) {
      const { path: urlPath, body } = commandFor(kind, i);
      inFlight += 1;
      let answer: Answer;
      try {
        answer = await request(server.port, 'POST', urlPath, body, agent);
      } catch {
        unanswered += 1;
        return; // the server is gone: the rest of this chain is never sent
      } finally {
        inFlight -= 1;
      }
      if (answer.status < 200 || answer.status >= 300) {
        if (inFlightAtKill < 0) refused.push({ command: `${kind}:${i}`, status: answer.status, body: answer.body });
        return;
      }
      acknowledged.add(`${kind}:${i}`);
      if (acknowledged.size >= KILL_AFTER_ACKS) killOnce();
    }
  };
  // A pool of workers, each taking the next chain: at any moment chains are at every stage.
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < CHAINS) await chain(next++);
  };
  try {
    await Promise.all(Array.from({ length: CHAINS_IN_FLIGHT }, worker));
  } finally {
    agent.destroy();
  }
  return { acknowledged, refused, inFlightAtKill, unanswered };
};

// ---------------------------------------------------------------- the test

describe('crash safety: SIGKILL mid-burst, restart on the same data', () => {
  let workDir: string;
  let dataDir: string;
  let result: BurstResult;
  let killed: { code: number | null; signal: NodeJS.Signals | null };

  const acked = (kind: CommandKind): number[] =>
    [...result.acknowledged].filter((c) => c.startsWith(`${kind}:`)).map((c) => Number(c.slice(kind.length + 1)));

  beforeAll(() => {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bl-crash-'));
    dataDir = path.join(workDir, 'data');
  });

  afterAll(async () => {
    killAllServers();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('the burst is cut by SIGKILL after some commands were acknowledged and while others were in flight', async () => {
    const server = await startServer(dataDir);
    result = await burst(server);
    killed = await server.exited;

    expect(killed.signal).toBe('SIGKILL');
    expect(result.refused).toEqual([]);
    expect(result.acknowledged.size).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(result.acknowledged.size).toBeLessThan(CHAINS * CHAIN.length);
    expect(result.inFlightAtKill).toBeGreaterThan(0);
    expect(result.unanswered).toBeGreaterThan(0);
    expect(acked('encounter').length).toBeGreaterThan(0);
    expect(acked('claim').length).toBeGreaterThan(0);
    expect(acked('remittance').length).toBeGreaterThan(0);
    expect(acked('payment').length).toBeGreaterThan(0);
  });

  it('at the crash, the read model already held every acknowledged command and equals a rebuild up to its checkpoint', async () => {
    expect(result).toBeDefined();
    const snapshot = path.join(workDir, 'at-crash');
    fs.mkdirSync(snapshot);
    copyDatabase(path.join(dataDir, 'events.sqlite'), path.join(snapshot, 'events.sqlite'));
    copyDatabase(path.join(dataDir, 'read.sqlite'), path.join(snapshot, 'read.sqlite'));

    const store = SqliteEventStore.open(path.join(snapshot, 'events.sqlite'));
    const read = new Database(path.join(snapshot, 'read.sqlite'));
    try {
      const positions = read.prepare('SELECT DISTINCT position FROM projection_checkpoints').all() as { position: number }[];
      expect(positions).toHaveLength(1);
      const checkpoint = BigInt(positions[0]?.position ?? -1);
      expect(checkpoint).toBeLessThanOrEqual(await store.headPosition());

      // Read-your-writes survives the crash: a 2xx was sent only after the projections committed.
      const claimIds = new Set((read.prepare('SELECT claim_id FROM claims').all() as { claim_id: string }[]).map((r) => r.claim_id));
      expect(acked('claim').filter((i) => !claimIds.has(`clm-${i}`))).toEqual([]);
      const paid = new Set(
        (read.prepare("SELECT claim_id FROM claims WHERE json_extract(state, '$.money.patientPaidCents') = 1000").all() as {
          claim_id: string;
        }[]).map((r) => r.claim_id),
      );
      expect(acked('payment').filter((i) => !paid.has(`clm-${i}`))).toEqual([]);

      const reference = await rebuildInto(store, path.join(snapshot, 'rebuilt-to-checkpoint.sqlite'), checkpoint);
      try {
        expect(dump(read)).toEqual(dump(reference));
      } finally {
        reference.close();
      }
    } finally {
      read.close();
      await store.close();
    }
  });

  it('after a restart on the same data, every acknowledged command is readable over HTTP', async () => {
    expect(result).toBeDefined();
    const server = await startServer(dataDir);
    try {
      const health = await request(server.port, 'GET', '/health');
      expect(health.status).toBe(200);
      const body = health.body as { status: string; projections: { lag: string }[] };
      expect(body.status).toBe('ok');
      expect(body.projections.map((p) => p.lag)).toEqual(ALL_PROJECTIONS.map(() => '0'));

      const missing: string[] = [];
      const wrong: unknown[] = [];
      for (const i of acked('encounter')) {
        const answer = await request(server.port, 'GET', `/encounters/enc-${i}`);
        if (answer.status !== 200) missing.push(`encounter:${i} → ${answer.status}`);
        else if ((answer.body as { patientId: string }).patientId !== patientOf(i)) wrong.push(answer.body);
      }
      for (const i of acked('claim')) {
        const answer = await request(server.port, 'GET', `/claims/clm-${i}`);
        if (answer.status !== 200) {
          missing.push(`claim:${i} → ${answer.status}`);
          continue;
        }
        const view = answer.body as { encounterId: string; balances: { chargesCents: number; payerPaidCents: number; patientPaidCents: number } };
        const remitted = result.acknowledged.has(`remittance:${i}`);
        const paid = result.acknowledged.has(`payment:${i}`);
        if (
          view.encounterId !== `enc-${i}` ||
          view.balances.chargesCents !== 10_000 ||
          (remitted && view.balances.payerPaidCents !== 7_000) ||
          (paid && view.balances.patientPaidCents !== 1_000)
        ) {
          wrong.push(view);
        }
      }
      for (const i of acked('payment')) {
        const answer = await request(server.port, 'GET', `/claims/clm-${i}`);
        if ((answer.body as { status?: string }).status !== 'closed') wrong.push({ payment: i, claim: answer.body });
      }
      expect(missing).toEqual([]);
      expect(wrong).toEqual([]);

      // Each acknowledged payment left 5.00 of credit (unacknowledged ones may have been stored too).
      for (let p = 0; p < PATIENT_COUNT; p++) {
        const ackedPayments = acked('payment').filter((i) => i % PATIENT_COUNT === p).length;
        if (ackedPayments === 0) continue;
        const balance = await request(server.port, 'GET', `/patients/pat-${p}/balance`);
        expect(balance.status).toBe(200);
        expect((balance.body as { unallocatedCreditCents: number }).unallocatedCreditCents).toBeGreaterThanOrEqual(500 * ackedPayments);
      }

      // The restarted server keeps working: a new command is acknowledged and readable.
      const fresh = commandFor('encounter', CHAINS + 1);
      expect((await request(server.port, 'POST', fresh.path, fresh.body)).status).toBe(201);
      expect((await request(server.port, 'GET', `/encounters/enc-${CHAINS + 1}`)).status).toBe(200);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('after a graceful stop, every acknowledged command is in the event store exactly once, and the read model equals a fresh rebuild', async () => {
    expect(result).toBeDefined();
    expect(runningServers()).toBe(0);
    const store = SqliteEventStore.open(path.join(dataDir, 'events.sqlite'));
    const read = new Database(path.join(dataDir, 'read.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const events = await (async () => {
        const all: RecordedEvent[] = [];
        for (;;) {
          const page = await store.readAll(all[all.length - 1]?.position ?? 0n, { maxCount: 1000 });
          if (page.length === 0) return all;
          all.push(...page);
        }
      })();
      const count = (predicate: (e: RecordedEvent) => boolean): number => events.filter(predicate).length;
      const data = (e: RecordedEvent): Record<string, unknown> => e.data as Record<string, unknown>;
      const problems: string[] = [];
      const expectOnce = (what: string, n: number): void => {
        if (n !== 1) problems.push(`${what}: stored ${n} times`);
      };
      for (const i of acked('encounter')) expectOnce(`EncounterCoded enc-${i}`, count((e) => e.type === 'EncounterCoded' && e.streamId === `encounter-enc-${i}`));
      for (const i of acked('claim')) {
        expectOnce(`ClaimSubmitted clm-${i}`, count((e) => e.type === 'ClaimSubmitted' && e.streamId === `claim-clm-${i}`));
        expectOnce(`EncounterBilled enc-${i}`, count((e) => e.type === 'EncounterBilled' && e.streamId === `encounter-enc-${i}`));
      }
      for (const i of acked('remittance')) expectOnce(`RemittancePosted era-${i}`, count((e) => e.type === 'RemittancePosted' && data(e)['remittanceId'] === `era-${i}`));
      for (const i of acked('payment')) expectOnce(`PatientPaymentReceived pay-${i}`, count((e) => e.type === 'PatientPaymentReceived' && data(e)['paymentId'] === `pay-${i}`));
      expect(problems).toEqual([]);
      // Nothing was stored twice, acknowledged or not: one submission per claim, one payment per id.
      const submissions = events.filter((e) => e.type === 'ClaimSubmitted').map((e) => e.streamId);
      expect(new Set(submissions).size).toBe(submissions.length);
      const payments = events.filter((e) => e.type === 'PatientPaymentReceived').map((e) => data(e)['paymentId']);
      expect(new Set(payments).size).toBe(payments.length);

      const checkpoints = read.prepare('SELECT name, position FROM projection_checkpoints ORDER BY name').all() as { name: string; position: number }[];
      const head = events[events.length - 1]?.position ?? 0n;
      expect(checkpoints.map((c) => [c.name, BigInt(c.position)])).toEqual(
        ALL_PROJECTIONS.map((p) => p.name).sort().map((name) => [name, head]),
      );

      const rebuilt = await rebuildInto(store, path.join(workDir, 'rebuilt.sqlite'), null);
      try {
        const served = dump(read);
        expect((served['claims'] ?? []).length).toBeGreaterThanOrEqual(acked('claim').length);
        expect(served).toEqual(dump(rebuilt));
      } finally {
        rebuilt.close();
      }
    } finally {
      read.close();
      await store.close();
    }
  });
});
