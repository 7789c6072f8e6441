/**
 * Load and faults (issue #8), the engine: N clients post random claim lifecycles over HTTP for M
 * seconds while the server (the built `main.js`, a child process on real SQLite files, loopback
 * only) is SIGKILLed and restarted K times. A client whose connection dies retries the same
 * request with the same Idempotency-Key until it gets an answer. Then, with the server stopped,
 * the events and read model are checked:
 * - every acknowledged (2xx) command is stored exactly once; a refused one not at all;
 * - no duplicate posting: one submission per claim, remittance ids unique per claim, payment and
 *   refund ids unique, one event per command per stream;
 * - the projections equal a fresh rebuild from the events;
 * - for every claim, the balances served over HTTP equal the fold of its events, and
 *   charges = payerPaid + contractual + patientPaid + writeOffs + balance.
 *
 * Used by fault-run.spec.ts (the CI size) and, through it, by bench/reliability.js (the full size).
 */
import { dumpReadModel } from '../support/read-model-dump';
import { freePort, killAllServers, send as sendRequest, startServer as startChildServer, type Answer, type ChildServer } from '../support/child-server';
import Database from 'better-sqlite3';
import assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { balancesOf, type ClaimBalances } from '../../src/claims/claim';
import { loadClaim } from '../../src/claims/claim-repository';
import type { Position, RecordedEvent } from '../../src/event-store/event-store';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store';
import { ALL_PROJECTIONS } from '../../src/projections/all-projections';
import { ProjectionRunner } from '../../src/projections/projection-runner';
import { openReadDatabase, type ReadDatabase } from '../../src/projections/read-store';
import { ApiKeyStore } from '../../src/security/api-keys';

export const ROOT = path.resolve(__dirname, '../..');
const SERVER_START_TIMEOUT_MS = 60_000;
const SERVER_STOP_TIMEOUT_MS = 30_000;
/** One request's wait for an answer before the client counts the connection as dead and retries. */
const REQUEST_TIMEOUT_MS = 30_000;
/** A client retries one command (same Idempotency-Key) for at most this long: a restart takes seconds. */
const RETRY_DEADLINE_MS = 90_000;
const RETRY_BACKOFF_MIN_MS = 20;
const RETRY_BACKOFF_MAX_MS = 500;
/** A kill waits at most this long for a command to be in flight, so every kill lands mid-traffic. */
const KILL_WAIT_FOR_TRAFFIC_MS = 5_000;
/** Claims a client works on at once; a claim retires after CLAIM_STEPS_MAX commands. */
const ACTIVE_CLAIMS_MAX = 6;
const CLAIM_STEPS_MAX = 10;
const PATIENTS_PER_CLIENT = 3;
/** Kept of a server's output, for the failure message when it will not start. */
const SERVER_OUTPUT_TAIL_CHARS = 20_000;
const READ_PAGE_SIZE = 1_000;
const CLAIMS_PAGE_SIZE = 500;

export interface FaultRunOptions {
  clients: number;
  seconds: number;
  kills: number;
  /** Deterministic workload choices (the timing of kills and answers is not). */
  seed: number;
  /** The compiled service: `<distDir>/main.js`. */
  distDir: string;
  workDir: string;
  log?: (line: string) => void;
}

/** Options from the environment: FAULT_RUN_CLIENTS, FAULT_RUN_SECONDS, FAULT_RUN_KILLS, FAULT_RUN_SEED. */
export const optionsFromEnv = (defaults: { clients: number; seconds: number; kills: number }): { clients: number; seconds: number; kills: number; seed: number } => {
  const read = (name: string, fallback: number, min: number): number => {
    const value = process.env[name];
    if (value === undefined || value === '') return fallback;
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min) throw new Error(`${name} must be a whole number ≥ ${min}, not ${value}`);
    return n;
  };
  return {
    clients: read('FAULT_RUN_CLIENTS', defaults.clients, 1),
    seconds: read('FAULT_RUN_SECONDS', defaults.seconds, 1),
    kills: read('FAULT_RUN_KILLS', defaults.kills, 0),
    seed: read('FAULT_RUN_SEED', Math.floor(Math.random() * 2 ** 31), 0),
  };
};

// ---------------------------------------------------------------- building and running the server

/**
 * Compiles the service with tsconfig.build.json into a private directory, so a concurrent build of
 * dist/ (the crash test makes one) never hands this run a half-written file. The child finds the
 * dependencies through NODE_PATH.
 */
export const buildService = (outDir: string): void => {
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: ROOT, stdio: 'pipe' });
  } catch (error) {
    const output = (error as { stdout?: Buffer }).stdout?.toString('utf8') ?? String(error);
    throw new Error(`the service does not compile:\n${output.slice(0, 5_000)}`);
  }
  assert(fs.existsSync(path.join(outDir, 'main.js')), `tsc wrote no ${outDir}/main.js`);
};

interface Server extends ChildServer {
  /** The store's head when the server first answered /health: everything at or below it was stored before this start. */
  headAtStart: bigint;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export { killAllServers };

const send = (port: number, agent: http.Agent, method: string, urlPath: string, headers: Record<string, string>, body?: unknown): Promise<Answer> =>
  sendRequest(port, method, urlPath, { headers, body, agent, timeoutMs: REQUEST_TIMEOUT_MS });

const startServer = async (distDir: string, dataDir: string, port: number): Promise<Server> => {
  const env = { NODE_PATH: path.join(ROOT, 'node_modules'), LEDGER_DATA_DIR: dataDir, EVENT_STORE: 'sqlite', AUTH: 'on' };
  const { server, health } = await startChildServer(path.join(distDir, 'main.js'), port, env, {
    cwd: ROOT,
    timeoutMs: SERVER_START_TIMEOUT_MS,
    outputTailChars: SERVER_OUTPUT_TAIL_CHARS,
  });
  const head = (health.body as { store?: { headPosition?: unknown } }).store?.headPosition;
  return { ...server, headAtStart: BigInt(String(head ?? 0)) };
};

const stopServer = async (server: Server): Promise<{ code: number | null; signal: NodeJS.Signals | null }> => {
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), SERVER_STOP_TIMEOUT_MS);
  try {
    return await server.exited;
  } finally {
    clearTimeout(timer);
  }
};

// ---------------------------------------------------------------- the workload

/** A small deterministic generator (mulberry32): the same seed makes the same choices. */
const random = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

export type CommandKind =
  | 'encounter'
  | 'claim'
  | 'rejection'
  | 'denial'
  | 'correction'
  | 'resubmission'
  | 'remittance'
  | 'reversal'
  | 'write-off'
  | 'void'
  | 'payment'
  | 'refund';

export const COMMAND_KINDS: readonly CommandKind[] = [
  'encounter',
  'claim',
  'rejection',
  'denial',
  'correction',
  'resubmission',
  'remittance',
  'reversal',
  'write-off',
  'void',
  'payment',
  'refund',
];

/** The event types each command appends (a claim submission appends to the encounter and the claim). */
export const APPENDS: Record<CommandKind, readonly string[]> = {
  encounter: ['EncounterCoded'],
  claim: ['EncounterBilled', 'ClaimSubmitted'],
  rejection: ['ClaimRejected'],
  denial: ['DenialReceived'],
  correction: ['ClaimCorrected'],
  resubmission: ['ClaimResubmitted'],
  remittance: ['RemittancePosted'],
  reversal: ['RemittanceReversed'],
  'write-off': ['WriteOffPosted'],
  void: ['ClaimVoided'],
  payment: ['PatientPaymentReceived'],
  refund: ['PatientRefundIssued'],
};

/** What happened to one command, as its client saw it. */
export interface CommandRecord {
  key: string;
  kind: CommandKind;
  client: number;
  path: string;
  /** Connection errors (and 409 in-flight, 429, 503) that made the client send it again. */
  retries: number;
  /** When a connection first died under it (ms since the run started). */
  failedAtMs?: number;
  /** 2xx: acknowledged; 4xx: refused; 0: no answer before RETRY_DEADLINE_MS. */
  status: number;
  code?: string;
  replayed: boolean;
}

interface LineView {
  lineNumber: number;
  chargeCents: number;
  adjudication: string;
}

interface ClaimView {
  claimId: string;
  status: string;
  lines: LineView[];
  remittances: Array<{ remittanceId: string; kind: string; reversed: boolean }>;
  balances: ClaimBalances;
}

interface ClaimModel {
  claimId: string;
  patientId: string;
  steps: number;
  view: ClaimView | null;
}

interface ClientContext {
  index: number;
  port: () => number;
  token: string;
  rng: () => number;
  deadline: number;
  runId: string;
  started: number;
  inFlight: { count: number };
  records: CommandRecord[];
}

const ENCOUNTER_LINES = [
  { lineNumber: 1, procedureCode: '99213', modifiers: ['25'], units: 1, chargeCents: 15_000, diagnosisPointers: [1, 2] },
  { lineNumber: 2, procedureCode: '93000', modifiers: [], units: 1, chargeCents: 5_000, diagnosisPointers: [2] },
];

/** Splits a line's charge into paid, contractual (CO-45) and patient responsibility (PR-2), each ≥ 0. */
const splitCharge = (rng: () => number, chargeCents: number): { paidCents: number; adjustments: Array<{ group: string; reason: string; amountCents: number }> } => {
  const paidCents = Math.floor(rng() * (chargeCents + 1));
  const prCents = Math.floor(rng() * (chargeCents - paidCents + 1));
  const coCents = chargeCents - paidCents - prCents;
  const adjustments = [
    ...(coCents > 0 ? [{ group: 'CO', reason: '45', amountCents: coCents }] : []),
    ...(prCents > 0 ? [{ group: 'PR', reason: '2', amountCents: prCents }] : []),
  ];
  return { paidCents, adjustments };
};

const pick = <T>(rng: () => number, items: readonly T[]): T => {
  const item = items[Math.floor(rng() * items.length)];
  assert(item !== undefined, 'pick from an empty list');
  return item;
};

/** One step for a claim, chosen by its status; null when it has nothing left to do. */
const nextStep = (
  rng: () => number,
  claim: ClaimModel,
  ids: () => string,
  creditCents: number,
): { kind: CommandKind; path: string; body: unknown } | null => {
  const view = claim.view;
  if (view === null) return null;
  const at = `/claims/${encodeURIComponent(claim.claimId)}`;
  const open = view.lines.filter((l) => l.adjudication !== 'paid');
  const standingPayments = view.remittances.filter((r) => r.kind === 'payment' && !r.reversed);
  const b = view.balances;
  const remit = (lines: LineView[]): { kind: CommandKind; path: string; body: unknown } => {
    const paidLines = lines.map((l) => ({ lineNumber: l.lineNumber, ...splitCharge(rng, l.chargeCents) }));
    return { kind: 'remittance', path: `${at}/remittances`, body: { remittanceId: ids(), paidCents: paidLines.reduce((s, l) => s + l.paidCents, 0), lines: paidLines } };
  };
  const deny = (lines: LineView[] | null): { kind: CommandKind; path: string; body: unknown } => ({
    kind: 'denial',
    path: `${at}/denials`,
    body: {
      remittanceId: ids(),
      ...(lines !== null && { lineNumbers: lines.map((l) => l.lineNumber) }),
      adjustments: [{ group: 'CO', reason: pick(rng, ['16', '29', '50', '197']), amountCents: (lines ?? open).reduce((s, l) => s + l.chargeCents, 0) }],
      remarks: ['N130'],
    },
  });
  const reverse = (): { kind: CommandKind; path: string; body: unknown } | null => {
    const standing = standingPayments.length === 0 ? null : pick(rng, standingPayments);
    return standing === null ? null : { kind: 'reversal', path: `${at}/remittances/${encodeURIComponent(standing.remittanceId)}/reversal`, body: {} };
  };
  if (open.length === 0 && !['paid', 'closed'].includes(view.status)) return null;
  const r = rng();
  switch (view.status) {
    case 'submitted':
      if (r < 0.4) return remit(open);
      if (r < 0.55 && open.length > 1) return remit(open.slice(0, 1));
      if (r < 0.7) return deny(null);
      if (r < 0.8 && open.length > 1) return deny(open.slice(-1));
      if (r < 0.9 && standingPayments.length === 0) return { kind: 'rejection', path: `${at}/rejections`, body: { reasons: [{ code: 'A7:562', message: 'Entity identifier code missing' }] } };
      return b.payerPaidCents === 0 && b.patientPaidCents === 0 ? { kind: 'void', path: `${at}/void`, body: { reason: 'billed to the wrong payer' } } : remit(open);
    case 'partially_paid':
      if (r < 0.6) return remit(open);
      if (r < 0.8) return deny(open);
      return reverse() ?? remit(open);
    case 'denied':
      if (r < 0.6) return { kind: 'correction', path: `${at}/corrections`, body: { reason: 'added the referring provider' } };
      if (r < 0.8 && b.payerBalanceCents > 0) return { kind: 'write-off', path: `${at}/write-offs`, body: { amountCents: b.payerBalanceCents, from: 'payer', reason: 'timely_filing' } };
      return remit(open);
    case 'rejected':
      return { kind: 'correction', path: `${at}/corrections`, body: { reason: 'fixed the subscriber id' } };
    case 'corrected':
      return { kind: 'resubmission', path: `${at}/resubmissions`, body: {} };
    case 'paid':
    case 'closed': {
      if (b.patientBalanceCents > 0 && r < 0.5) {
        const amountCents = 1 + Math.floor(rng() * b.patientBalanceCents);
        // Sometimes more than is owed: the rest becomes the patient's credit.
        const extraCents = rng() < 0.3 ? 500 : 0;
        return {
          kind: 'payment',
          path: `/patients/${encodeURIComponent(claim.patientId)}/payments`,
          body: { paymentId: ids(), amountCents: amountCents + extraCents, method: pick(rng, ['cash', 'card', 'check', 'ach']), allocations: [{ claimId: claim.claimId, amountCents }] },
        };
      }
      if (b.patientBalanceCents > 0 && r < 0.65) {
        return { kind: 'write-off', path: `${at}/write-offs`, body: { amountCents: b.patientBalanceCents, from: 'patient', reason: 'small_balance' } };
      }
      // A reversal after the patient paid leaves an overpayment on the claim: give back what the patient paid of it.
      const overpaidCents = Math.min(-b.patientBalanceCents, b.patientPaidCents);
      if (overpaidCents > 0) {
        return { kind: 'refund', path: `/patients/${encodeURIComponent(claim.patientId)}/refunds`, body: { refundId: ids(), amountCents: overpaidCents, claimId: claim.claimId } };
      }
      if (creditCents > 0 && r < 0.75) {
        return { kind: 'refund', path: `/patients/${encodeURIComponent(claim.patientId)}/refunds`, body: { refundId: ids(), amountCents: creditCents } };
      }
      if (r < 0.9) return reverse();
      return null;
    }
    default:
      return null;
  }
};

/** One client: its own patients and claims, one command at a time, until the deadline. */
const runClient = async (ctx: ClientContext): Promise<void> => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const headers = { Authorization: `Bearer ${ctx.token}` };
  let sequence = 0;
  const ids = (): string => `${ctx.runId}-c${ctx.index}-${++sequence}`;
  const patients = Array.from({ length: PATIENTS_PER_CLIENT }, (_, i) => `${ctx.runId}-c${ctx.index}-pat-${i}`);
  const credit = new Map<string, number>();
  const active: ClaimModel[] = [];

  /** Sends one command; on a dead connection (or 409 in flight, 429, 503) sends it again with the same key. */
  const command = async (kind: CommandKind, urlPath: string, body: unknown): Promise<{ record: CommandRecord; answer: Answer | null }> => {
    const key = `${ids()}-key`;
    const record: CommandRecord = { key, kind, client: ctx.index, path: urlPath, retries: 0, status: 0, replayed: false };
    ctx.records.push(record);
    const giveUpAt = Date.now() + RETRY_DEADLINE_MS;
    let backoff = RETRY_BACKOFF_MIN_MS;
    for (;;) {
      let answer: Answer | null = null;
      ctx.inFlight.count += 1;
      try {
        answer = await send(ctx.port(), agent, 'POST', urlPath, { ...headers, 'Idempotency-Key': key }, body);
      } catch {
        // The server died under us (or is still starting): same request, same key, again.
        record.failedAtMs ??= Date.now() - ctx.started;
      } finally {
        ctx.inFlight.count -= 1;
      }
      const retryable =
        answer === null ||
        answer.status === 429 ||
        answer.status === 503 ||
        (answer.status === 409 && (answer.body as { type?: string } | null)?.type === '/problems/concurrency-conflict');
      if (!retryable && answer !== null) {
        record.status = answer.status;
        record.replayed = answer.headers['idempotent-replayed'] === 'true';
        const code = (answer.body as { code?: unknown } | null)?.code;
        if (typeof code === 'string') record.code = code;
        return { record, answer };
      }
      if (Date.now() > giveUpAt) return { record, answer: null };
      record.retries += 1;
      await sleep(backoff);
      backoff = Math.min(RETRY_BACKOFF_MAX_MS, backoff * 2);
    }
  };

  /** Reads a claim again (after a refusal, to learn what it really is). */
  const refresh = async (claim: ClaimModel): Promise<void> => {
    const giveUpAt = Date.now() + RETRY_DEADLINE_MS;
    for (;;) {
      try {
        const answer = await send(ctx.port(), agent, 'GET', `/claims/${encodeURIComponent(claim.claimId)}`, headers);
        if (answer.status === 200) {
          claim.view = answer.body as ClaimView;
          return;
        }
        if (answer.status === 404) {
          claim.view = null;
          return;
        }
      } catch {
        // server restarting
      }
      if (Date.now() > giveUpAt) return;
      await sleep(RETRY_BACKOFF_MAX_MS);
    }
  };

  try {
    while (Date.now() < ctx.deadline) {
      if (active.length < ACTIVE_CLAIMS_MAX && (active.length === 0 || ctx.rng() < 0.3)) {
        const patientId = pick(ctx.rng, patients);
        const encounterId = ids();
        const coded = await command('encounter', '/encounters', {
          encounterId,
          patientId,
          providerNpi: '1234567893',
          dateOfService: '2026-03-02',
          diagnoses: ['E11.9', 'I10'],
          lines: ENCOUNTER_LINES,
        });
        if (coded.record.status !== 201) continue;
        const claimId = ids();
        const submitted = await command('claim', '/claims', { claimId, encounterId, payerId: pick(ctx.rng, ['payer-acme', 'payer-60054', 'payer-bcbs']), memberId: `M-${claimId}`.slice(0, 64) });
        if (submitted.record.status === 201 && submitted.answer !== null) active.push({ claimId, patientId, steps: 0, view: submitted.answer.body as ClaimView });
        continue;
      }
      const claim = pick(ctx.rng, active);
      const step = claim.steps >= CLAIM_STEPS_MAX ? null : nextStep(ctx.rng, claim, ids, credit.get(claim.patientId) ?? 0);
      if (step === null) {
        active.splice(active.indexOf(claim), 1);
        continue;
      }
      claim.steps += 1;
      const { record, answer } = await command(step.kind, step.path, step.body);
      if (answer !== null && record.status >= 200 && record.status < 300) {
        if (step.kind === 'payment' || step.kind === 'refund') {
          const balance = answer.body as { unallocatedCreditCents: number; claims: Array<{ claimId: string }> };
          credit.set(claim.patientId, balance.unallocatedCreditCents);
          await refresh(claim);
        } else {
          claim.view = answer.body as ClaimView;
        }
      } else {
        await refresh(claim);
      }
    }
  } finally {
    agent.destroy();
  }
};

// ---------------------------------------------------------------- checks

const dump = (db: Database.Database) => dumpReadModel(db);

/** Table by table, the rows that differ (at most a few each, for the message). */
const dumpDifferences = (served: Record<string, unknown[] | null>, rebuilt: Record<string, unknown[] | null>): string[] => {
  const problems: string[] = [];
  for (const table of new Set([...Object.keys(served), ...Object.keys(rebuilt)])) {
    const a = (served[table] ?? []).map((r) => JSON.stringify(r));
    const b = (rebuilt[table] ?? []).map((r) => JSON.stringify(r));
    if (a.length !== b.length) problems.push(`${table}: ${a.length} rows served, ${b.length} rebuilt`);
    const onlyServed = a.filter((r) => !b.includes(r)).slice(0, 3);
    const onlyRebuilt = b.filter((r) => !a.includes(r)).slice(0, 3);
    for (const r of onlyServed) problems.push(`${table}: served only ${r.slice(0, 300)}`);
    for (const r of onlyRebuilt) problems.push(`${table}: rebuilt only ${r.slice(0, 300)}`);
  }
  return problems;
};

const readEverything = async (store: SqliteEventStore): Promise<RecordedEvent[]> => {
  const all: RecordedEvent[] = [];
  for (let after: Position = 0n; ; ) {
    const page = await store.readAll(after, { maxCount: READ_PAGE_SIZE });
    const last = page[page.length - 1];
    if (!last) return all;
    all.push(...page);
    after = last.position;
  }
};

const conservationProblem = (claimId: string, b: ClaimBalances): string | null => {
  const sum = b.payerPaidCents + b.contractualAdjustmentCents + b.patientPaidCents + b.writeOffCents + b.balanceCents;
  if (sum !== b.chargesCents) return `${claimId}: charges ${b.chargesCents} ≠ payerPaid + contractual + patientPaid + writeOffs + balance = ${sum}`;
  if (b.balanceCents !== b.payerBalanceCents + b.patientBalanceCents) return `${claimId}: balance ${b.balanceCents} ≠ payer ${b.payerBalanceCents} + patient ${b.patientBalanceCents}`;
  return null;
};

// ---------------------------------------------------------------- the run

export interface KillRecord {
  atMs: number;
  /** The store's head as the restarted server found it. */
  headAfterRestart: string;
  inFlight: number;
  signal: string | null;
  /** From the kill to the restarted server answering /health. */
  downMs: number;
}

export interface FaultRunReport {
  options: { clients: number; seconds: number; kills: number; seed: number };
  durationMs: number;
  commandsSent: number;
  acknowledged: number;
  acknowledgedByKind: Record<string, number>;
  refusedByStatus: Record<string, number>;
  refusedByCode: Record<string, number>;
  /** Commands whose connection died (or got 409 in flight, 429, 503) at least once, and were sent again. */
  retried: number;
  retriedAcknowledged: number;
  /** 2xx answers that said Idempotent-Replayed (the answer itself had been saved before the kill). */
  replayed: number;
  /**
   * Acknowledged after a retry, and stored by the server that was killed (at or below the head the
   * restarted server found): the answer was lost with the connection, and the retry recognised the
   * command by its key and appended nothing.
   */
  retriedStoredBeforeKill: number;
  /** Acknowledged after a retry and stored by a later server: the killed one had not committed it. */
  retriedStoredAfterRestart: number;
  unanswered: number;
  kills: KillRecord[];
  eventsStored: number;
  claims: number;
  mismatches: {
    /** Acknowledged, yet not stored with exactly the events that command appends. */
    acknowledgedNotStoredOnce: string[];
    /** Refused (4xx), yet something was stored under its key. */
    refusedButStored: string[];
    /** A 5xx (or other non-2xx, non-4xx) answer, or none at all after retrying. */
    serverErrors: string[];
    /** An event under a key no client ever sent, or an idempotency key missing. */
    unexplainedEvents: string[];
    duplicatePostings: string[];
    projectionsVersusRebuild: string[];
    conservation: string[];
    servedVersusFold: string[];
    healthAfterRun: string[];
  };
}

export const mismatchCount = (report: FaultRunReport): number => Object.values(report.mismatches).reduce((n, list) => n + list.length, 0);

export const runFaultRun = async (options: FaultRunOptions): Promise<FaultRunReport> => {
  const log = options.log ?? (() => undefined);
  const dataDir = path.join(options.workDir, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  const runId = `r${options.seed.toString(36)}`;
  // One biller key per client, made before the first start (so no admin key is bootstrapped): each client's name is its events' actor.
  const keys = new ApiKeyStore(path.join(dataDir, 'api-keys.json'));
  const tokens = Array.from({ length: options.clients }, (_, i) => keys.create(`fault-run-client-${i}`, 'biller', new Date().toISOString()).token);
  const checker = keys.create('fault-run-checker', 'auditor', new Date().toISOString()).token;

  const port = await freePort();
  let server = await startServer(options.distDir, dataDir, port);
  const started = Date.now();
  const deadline = started + options.seconds * 1_000;
  const inFlight = { count: 0 };
  const records: CommandRecord[] = [];
  const rng = random(options.seed);
  log(`fault run ${runId}: ${options.clients} clients, ${options.seconds} s, ${options.kills} kills, port ${port}, data ${dataDir}`);

  const clients = Array.from({ length: options.clients }, (_, index) =>
    runClient({
      index,
      port: () => port,
      token: tokens[index] as string,
      rng: random(Math.floor(rng() * 2 ** 32)),
      deadline,
      runId,
      started,
      inFlight,
      records,
    }),
  );

  // Kills at evenly spaced moments (with a little jitter), each while a command is in flight.
  const kills: KillRecord[] = [];
  const killer = (async () => {
    for (let i = 0; i < options.kills; i++) {
      const spacing = (options.seconds * 1_000) / (options.kills + 1);
      await sleep(Math.max(0, started + spacing * (i + 1) + (rng() - 0.5) * spacing * 0.4 - Date.now()));
      const waitUntil = Date.now() + KILL_WAIT_FOR_TRAFFIC_MS;
      while (inFlight.count === 0 && Date.now() < waitUntil) await sleep(1);
      const killedAt = Date.now();
      const record: KillRecord = { atMs: killedAt - started, headAfterRestart: '', inFlight: inFlight.count, signal: null, downMs: 0 };
      server.child.kill('SIGKILL');
      record.signal = (await server.exited).signal;
      server = await startServer(options.distDir, dataDir, port);
      record.downMs = Date.now() - killedAt;
      record.headAfterRestart = String(server.headAtStart);
      kills.push(record);
      log(`kill ${i + 1}: at ${record.atMs} ms with ${record.inFlight} in flight; back after ${record.downMs} ms`);
    }
  })();
  await Promise.all([killer, ...clients]);
  const durationMs = Date.now() - started;

  // Read what the running server serves, then stop it cleanly and look at the files.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const healthAfterRun: string[] = [];
  const served = new Map<string, ClaimBalances>();
  try {
    const health = await send(port, agent, 'GET', '/health', {});
    const body = health.body as { status?: string; projections?: Array<{ name: string; lag: string }> };
    if (health.status !== 200 || body.status !== 'ok') healthAfterRun.push(`/health → ${health.status} ${JSON.stringify(body).slice(0, 300)}`);
    for (const p of body.projections ?? []) if (p.lag !== '0') healthAfterRun.push(`projection ${p.name} lags ${p.lag}`);
    // The checker is one API key reading every claim back to back: faster than the per-key rate
    // limit, so it waits out a 429 as any client would.
    const read = async (urlPath: string): Promise<Answer> => {
      for (let backoff = RETRY_BACKOFF_MIN_MS; ; backoff = Math.min(RETRY_BACKOFF_MAX_MS, backoff * 2)) {
        const answer = await send(port, agent, 'GET', urlPath, { Authorization: `Bearer ${checker}` });
        if (answer.status !== 429) return answer;
        await sleep(backoff);
      }
    };
    for (let cursor: string | undefined; ; ) {
      const page = await read(`/claims?limit=${CLAIMS_PAGE_SIZE}${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
      assert(page.status === 200, `GET /claims → ${page.status}`);
      const list = page.body as { claims: Array<{ claimId: string }>; nextCursor?: string };
      for (const { claimId } of list.claims) {
        const view = await read(`/claims/${encodeURIComponent(claimId)}`);
        assert(view.status === 200, `GET /claims/${claimId} → ${view.status}`);
        served.set(claimId, (view.body as ClaimView).balances);
      }
      if (list.nextCursor === undefined) break;
      cursor = list.nextCursor;
    }
  } finally {
    agent.destroy();
  }
  // Nest's shutdown hooks run on SIGTERM and then end the process with that same signal.
  const stopped = await stopServer(server);
  if (stopped.code !== 0 && stopped.signal !== 'SIGTERM') healthAfterRun.push(`the server stopped with code ${stopped.code} signal ${stopped.signal}`);

  const store = SqliteEventStore.open(path.join(dataDir, 'events.sqlite'));
  const read = new Database(path.join(dataDir, 'read.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const events = await readEverything(store);
    const byKey = new Map<string, RecordedEvent[]>();
    const unexplainedEvents: string[] = [];
    for (const e of events) {
      const key = e.metadata.idempotencyKey;
      if (key === undefined) {
        unexplainedEvents.push(`${e.type} at ${e.position} on ${e.streamId} carries no Idempotency-Key`);
        continue;
      }
      byKey.set(key, [...(byKey.get(key) ?? []), e]);
    }
    const sent = new Map(records.map((r) => [r.key, r]));
    for (const key of byKey.keys()) if (!sent.has(key)) unexplainedEvents.push(`events under key ${key}, which no client sent`);

    const acknowledgedNotStoredOnce: string[] = [];
    const refusedButStored: string[] = [];
    const serverErrors: string[] = [];
    for (const r of records) {
      const stored = (byKey.get(r.key) ?? []).map((e) => e.type).sort();
      if (r.status >= 200 && r.status < 300) {
        const expected = [...APPENDS[r.kind]].sort();
        if (JSON.stringify(stored) !== JSON.stringify(expected)) acknowledgedNotStoredOnce.push(`${r.kind} ${r.key} (${r.retries} retries): stored ${JSON.stringify(stored)}, expected ${JSON.stringify(expected)}`);
      } else if (r.status >= 400 && r.status < 500 && stored.length > 0) {
        refusedButStored.push(`${r.kind} ${r.key} answered ${r.status} ${r.code ?? ''} after ${r.retries} retries, yet stored ${JSON.stringify(stored)}`);
      } else if (r.status !== 0 && (r.status < 200 || r.status >= 500)) {
        serverErrors.push(`${r.kind} ${r.key} ${r.path} answered ${r.status}`);
      } else if (r.status === 0) {
        serverErrors.push(`${r.kind} ${r.key} ${r.path}: no answer within ${RETRY_DEADLINE_MS} ms of retrying`);
      }
    }

    const duplicatePostings: string[] = [];
    const once = (what: string, ids: string[]): void => {
      const seen = new Map<string, number>();
      for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
      for (const [id, n] of seen) if (n > 1) duplicatePostings.push(`${what} ${id} stored ${n} times`);
    };
    const data = (e: RecordedEvent): Record<string, unknown> => e.data as Record<string, unknown>;
    once('EncounterCoded', events.filter((e) => e.type === 'EncounterCoded').map((e) => e.streamId));
    once('EncounterBilled', events.filter((e) => e.type === 'EncounterBilled').map((e) => e.streamId));
    once('ClaimSubmitted', events.filter((e) => e.type === 'ClaimSubmitted').map((e) => e.streamId));
    once('remittance', events.filter((e) => e.type === 'RemittancePosted' || e.type === 'DenialReceived').map((e) => `${e.streamId}/${String(data(e)['remittanceId'])}`));
    once('reversal', events.filter((e) => e.type === 'RemittanceReversed').map((e) => `${e.streamId}/${String(data(e)['remittanceId'])}`));
    once('payment', events.filter((e) => e.type === 'PatientPaymentReceived').map((e) => String(data(e)['paymentId'])));
    once('refund', events.filter((e) => e.type === 'PatientRefundIssued').map((e) => String(data(e)['refundId'])));
    once('command event', events.filter((e) => e.metadata.idempotencyKey !== undefined).map((e) => `${e.metadata.idempotencyKey}/${e.streamId}/${e.type}`));
    once('event id', events.map((e) => e.id));

    // Every claim: the balances served equal the fold of its events, and both conserve money.
    const conservation: string[] = [];
    const servedVersusFold: string[] = [];
    const claimIds = events.filter((e) => e.type === 'ClaimSubmitted').map((e) => e.streamId.slice('claim-'.length));
    for (const claimId of claimIds) {
      const loaded = await loadClaim(store, claimId);
      if (loaded.state === null) {
        servedVersusFold.push(`${claimId}: submitted but folds to nothing`);
        continue;
      }
      const folded = balancesOf(loaded.state.money);
      const fromHttp = served.get(claimId);
      if (fromHttp === undefined) servedVersusFold.push(`${claimId}: in the events, not served by GET /claims`);
      else if (JSON.stringify(fromHttp) !== JSON.stringify(folded)) servedVersusFold.push(`${claimId}: served ${JSON.stringify(fromHttp)}, folded ${JSON.stringify(folded)}`);
      const problem = conservationProblem(claimId, folded);
      if (problem) conservation.push(problem);
      if (fromHttp !== undefined) {
        const servedProblem = conservationProblem(claimId, fromHttp);
        if (servedProblem) conservation.push(`served: ${servedProblem}`);
      }
    }
    for (const claimId of served.keys()) if (!claimIds.includes(claimId)) servedVersusFold.push(`${claimId}: served, but never submitted`);

    // The read model, as the server left it, equals one rebuilt from the events into a fresh file.
    const rebuilt: ReadDatabase = openReadDatabase(path.join(options.workDir, 'rebuilt.sqlite'));
    let projectionsVersusRebuild: string[];
    try {
      await new ProjectionRunner(store, rebuilt, ALL_PROJECTIONS).rebuild();
      projectionsVersusRebuild = dumpDifferences(dump(read), dump(rebuilt));
    } finally {
      rebuilt.close();
    }

    const acknowledged = records.filter((r) => r.status >= 200 && r.status < 300);
    let retriedStoredBeforeKill = 0;
    let retriedStoredAfterRestart = 0;
    for (const r of acknowledged) {
      if (r.failedAtMs === undefined) continue;
      const failedAt = r.failedAtMs;
      const kill = [...kills].reverse().find((k) => k.atMs <= failedAt);
      const positions = (byKey.get(r.key) ?? []).map((e) => e.position);
      if (kill === undefined || positions.length === 0) continue;
      if (positions.every((p) => p <= BigInt(kill.headAfterRestart))) retriedStoredBeforeKill += 1;
      else retriedStoredAfterRestart += 1;
    }
    const refused = records.filter((r) => r.status >= 400 && r.status < 500);
    const count = (items: string[]): Record<string, number> => items.reduce<Record<string, number>>((acc, k) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }), {});
    return {
      options: { clients: options.clients, seconds: options.seconds, kills: options.kills, seed: options.seed },
      durationMs,
      commandsSent: records.length,
      acknowledged: acknowledged.length,
      acknowledgedByKind: count(acknowledged.map((r) => r.kind)),
      refusedByStatus: count(refused.map((r) => String(r.status))),
      refusedByCode: count(refused.map((r) => `${r.kind} ${r.status} ${r.code ?? ''}`.trim())),
      retried: records.filter((r) => r.retries > 0).length,
      retriedAcknowledged: acknowledged.filter((r) => r.retries > 0).length,
      replayed: records.filter((r) => r.replayed).length,
      retriedStoredBeforeKill,
      retriedStoredAfterRestart,
      unanswered: records.filter((r) => r.status === 0).length,
      kills,
      eventsStored: events.length,
      claims: claimIds.length,
      mismatches: {
        acknowledgedNotStoredOnce,
        refusedButStored,
        serverErrors,
        unexplainedEvents,
        duplicatePostings,
        projectionsVersusRebuild,
        conservation,
        servedVersusFold,
        healthAfterRun,
      },
    };
  } finally {
    read.close();
    await store.close();
  }
};

/** A scratch directory for one run (data, the rebuilt read model). */
export const makeWorkDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'bl-fault-run-'));
