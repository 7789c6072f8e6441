import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/app';
import type { Clock } from '../../src/common/clock';
import type { EventStoreKind } from '../../src/common/config';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store';
import { ApiKeyStore } from '../../src/security/api-keys';
import { ROLES, type Role } from '../../src/security/roles';
import { openTestEventStore } from './esdb-fake/test-event-store';

/**
 * The real service for e2e specs: a fresh data directory (real SQLite files), the real Nest app
 * from createApp, listening on an ephemeral port, spoken to over real HTTP with supertest.
 */

export type Http = ReturnType<typeof request>;

export interface TestApp {
  app: INestApplication;
  http: Http;
  dataDir: string;
  /** With `auth: 'on'`: a bearer token per role (key names `e2e-<role>`). */
  tokens: Record<Role, string>;
  /** The store the app runs on: `sqlite`, or `esdb` in the esdb jest project and `npm run test:esdb`. */
  storeKind: EventStoreKind;
  /** Events stored so far (SQLite: positions run 1..n, so the head position is the count; EventStoreDB: counted). */
  eventCount(): Promise<number>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  clock?: Clock;
  /**
   * Authentication is off by default here, so the domain suites can name actors with X-Actor;
   * the security suites turn it on and use `tokens`.
   */
  auth?: 'on' | 'off';
  rateLimitPerSecond?: number;
  logStream?: NodeJS.WritableStream;
}

/** High enough that no functional suite trips it; the security suites set their own. */
const TEST_RATE_LIMIT_PER_SECOND = 1_000_000;

export const startTestApp = async (options: TestAppOptions = {}): Promise<TestApp> => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bl-e2e-'));
  // SQLite unless the `esdb` jest project (or npm run test:esdb) asks for EventStoreDB.
  const backend = await openTestEventStore();
  let app: INestApplication | undefined;
  const keys = new ApiKeyStore(path.join(dataDir, 'api-keys.json'));
  const tokens = Object.fromEntries(ROLES.map((role) => [role, keys.create(`e2e-${role}`, role, new Date().toISOString()).token])) as Record<Role, string>;
  try {
    app = await createApp(
      {
        eventStore: backend.kind,
        dataDir,
        host: '127.0.0.1',
        port: 0,
        esdbConnectionString: backend.esdbConnectionString,
        auth: options.auth ?? 'off',
        rateLimitPerSecond: options.rateLimitPerSecond ?? TEST_RATE_LIMIT_PER_SECOND,
      },
      {
        ...(options.logStream === undefined ? { logger: false as const } : { logStream: options.logStream }),
        ...(options.clock !== undefined && { clock: options.clock }),
      },
    );
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app?.close();
    await backend.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const started = app;
  const store = started.get<typeof EVENT_STORE, EventStore>(EVENT_STORE);
  await backend.started(store);
  const server = started.getHttpServer() as Server;
  return {
    app: started,
    http: request(server),
    dataDir,
    tokens,
    storeKind: backend.kind,
    eventCount: () => backend.eventCount(store),
    close: async () => {
      await started.close();
      await backend.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

/** A short id unique within this process run, so specs sharing one app never collide. */
let sequence = 0;
const RUN = Math.random().toString(36).slice(2, 8);
export const uid = (prefix: string): string => `${prefix}-${RUN}-${++sequence}`;

/** The NPI used throughout: passes the Luhn check with the 80840 prefix. */
export const VALID_NPI = '1234567893';

/** Charges of the standard encounter: line 1 is 15000, line 2 is 5000. */
export const LINE_1_CHARGE_CENTS = 15_000;
export const LINE_2_CHARGE_CENTS = 5_000;
export const TOTAL_CHARGE_CENTS = LINE_1_CHARGE_CENTS + LINE_2_CHARGE_CENTS;

export interface ServiceLineBody {
  lineNumber: number;
  procedureCode: string;
  modifiers: string[];
  units: number;
  chargeCents: number;
  diagnosisPointers: number[];
}

export interface EncounterBody {
  encounterId: string;
  patientId: string;
  providerNpi: string;
  dateOfService: string;
  diagnoses: string[];
  lines: ServiceLineBody[];
}

export const serviceLines = (): ServiceLineBody[] => [
  { lineNumber: 1, procedureCode: '99213', modifiers: ['25'], units: 1, chargeCents: LINE_1_CHARGE_CENTS, diagnosisPointers: [1, 2] },
  { lineNumber: 2, procedureCode: '93000', modifiers: [], units: 1, chargeCents: LINE_2_CHARGE_CENTS, diagnosisPointers: [2] },
];

/** A valid encounter: E11.9 and I10; 99213-25 (15000) → [1,2], 93000 (5000) → [2]; NPI 1234567893. */
export const encounterBody = (overrides: Partial<EncounterBody> = {}): EncounterBody => ({
  encounterId: uid('enc'),
  patientId: uid('pat'),
  providerNpi: VALID_NPI,
  dateOfService: '2026-03-02',
  diagnoses: ['E11.9', 'I10'],
  lines: serviceLines(),
  ...overrides,
});

export interface ClaimBody {
  claimId: string;
  encounterId: string;
  payerId: string;
  memberId: string;
  submittedAt?: string;
}

export const claimBody = (encounterId: string, overrides: Partial<ClaimBody> = {}): ClaimBody => ({
  claimId: uid('clm'),
  encounterId,
  payerId: uid('payer'),
  memberId: 'MBR123456',
  ...overrides,
});

/** The standard remittance: line 1 paid 8000, CO-45 5000, PR-2 2000; line 2 paid 4000, CO-45 1000; 12000 paid. */
export const remittanceBody = (remittanceId: string = uid('era')) => ({
  remittanceId,
  paidCents: 12_000,
  lines: [
    {
      lineNumber: 1,
      paidCents: 8_000,
      adjustments: [
        { group: 'CO', reason: '45', amountCents: 5_000 },
        { group: 'PR', reason: '2', amountCents: 2_000 },
      ],
    },
    { lineNumber: 2, paidCents: 4_000, adjustments: [{ group: 'CO', reason: '45', amountCents: 1_000 }] },
  ],
});

/** A whole-claim denial: CO-16 for the full charge, remark N130. */
export const denialBody = (remittanceId: string = uid('era'), amountCents: number = TOTAL_CHARGE_CENTS) => ({
  remittanceId,
  adjustments: [{ group: 'CO', reason: '16', amountCents }],
  remarks: ['N130'],
});

export interface Balances {
  chargesCents: number;
  payerPaidCents: number;
  contractualAdjustmentCents: number;
  patientResponsibilityCents: number;
  patientPaidCents: number;
  writeOffCents: number;
  payerBalanceCents: number;
  patientBalanceCents: number;
  balanceCents: number;
}

export interface ClaimViewBody {
  claimId: string;
  status: string;
  patientId: string;
  payerId: string;
  encounterId: string;
  submissionCount: number;
  revision: number;
  balances: Balances;
}

/** DESIGN.md's invariant: charges = payerPaid + contractual + patientPaid + writeOffs + balance (PR moves from payer to patient, so it nets out). */
export const expectConserved = (b: Balances): void => {
  expect(b.payerPaidCents + b.contractualAdjustmentCents + b.patientPaidCents + b.writeOffCents + b.balanceCents).toBe(b.chargesCents);
  expect(b.balanceCents).toBe(b.payerBalanceCents + b.patientBalanceCents);
};

/** Asserts an RFC 9457 problem answer with the given status; returns its body for further checks. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code?: string;
  errors?: Array<{ field: string; message: string }>;
}

/**
 * Asserts an RFC 9457 problem answer with the given status (or one of several, where the contract
 * leaves the choice to the implementation); returns its body for further checks.
 */
export const expectProblem = (response: request.Response, status: number | readonly number[], code?: string): ProblemBody => {
  const allowed = typeof status === 'number' ? [status] : status;
  if (!allowed.includes(response.status)) {
    // The body goes into the message, so a failure shows what the app answered.
    throw new Error(`expected HTTP ${allowed.join(' or ')}, got ${response.status}: ${JSON.stringify(response.body)}`);
  }
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = response.body as ProblemBody;
  expect(typeof body.type).toBe('string');
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  expect(body.status).toBe(response.status);
  if (code !== undefined) expect(body.code).toBe(code);
  return body;
};

/** The fields an errors[] list names. */
export const errorFields = (problem: ProblemBody): string[] => (problem.errors ?? []).map((e) => e.field);

/** Sets up a coded encounter and a submitted claim; returns their ids and the claim view. */
export const submittedClaim = async (
  http: Http,
  options: { patientId?: string; payerId?: string; submittedAt?: string; actor?: string } = {},
): Promise<{ encounterId: string; claimId: string; patientId: string; payerId: string; view: ClaimViewBody }> => {
  const encounter = encounterBody(options.patientId !== undefined ? { patientId: options.patientId } : {});
  const actor = options.actor ?? 'setup';
  await http.post('/encounters').set('X-Actor', actor).send(encounter).expect(201);
  const claim = claimBody(encounter.encounterId, {
    ...(options.payerId !== undefined && { payerId: options.payerId }),
    ...(options.submittedAt !== undefined && { submittedAt: options.submittedAt }),
  });
  const response = await http.post('/claims').set('X-Actor', actor).send(claim).expect(201);
  return { encounterId: encounter.encounterId, claimId: claim.claimId, patientId: encounter.patientId, payerId: claim.payerId, view: response.body };
};

/** A claim remitted with the standard remittance: status paid, patient balance 2000 (PR-2). */
export const paidClaim = async (
  http: Http,
  options: { patientId?: string; payerId?: string; submittedAt?: string } = {},
): Promise<{ encounterId: string; claimId: string; patientId: string; payerId: string; remittanceId: string; view: ClaimViewBody }> => {
  const claim = await submittedClaim(http, options);
  const remittance = remittanceBody();
  const response = await http.post(`/claims/${claim.claimId}/remittances`).set('X-Actor', 'setup').send(remittance).expect(201);
  return { ...claim, remittanceId: remittance.remittanceId, view: response.body };
};
