import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import Database from 'better-sqlite3';
import request from 'supertest';
import { createApp } from '../../src/app';
import type { EsdbEventStore } from '../../src/event-store/esdb-event-store';
import { EVENT_STORE } from '../../src/event-store/event-store';
import { FakeEventStoreDb } from '../support/esdb-fake';
import { claimBody, encounterBody, remittanceBody, uid } from '../support/test-app';

/**
 * The whole service on EventStoreDB (the in-process fake), under load, while the server drops
 * the projections' subscription or restarts. Afterwards every acknowledged command is in the
 * store exactly once, and the read store equals one rebuilt from scratch by a fresh instance.
 */

/** Claim lifecycles driven (encounter → claim → remittance: 3 commands, 4 events each). */
const LIFECYCLES = 24;
/** Lifecycles in flight at once. */
const CONCURRENCY = 4;
/** Tries of one command (same Idempotency-Key) before the test gives up on it. */
const COMMAND_ATTEMPTS_MAX = 40;
const COMMAND_RETRY_DELAY_MS = 50;
/** Commands acknowledged before the fault is injected: mid-load. */
const FAULT_AFTER_ACKS = (LIFECYCLES * 3) / 3;
const RESTART_DOWNTIME_MS = 400;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface RunningApp {
  app: INestApplication;
  http: ReturnType<typeof request>;
  dataDir: string;
}

async function startApp(fake: FakeEventStoreDb): Promise<RunningApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bl-esdb-recovery-'));
  const app = await createApp(
    // Authentication off (actors named by X-Actor) and no rate limit: this suite is about the store.
    { eventStore: 'esdb', dataDir, host: '127.0.0.1', port: 0, esdbConnectionString: fake.connectionString, auth: 'off', rateLimitPerSecond: 1_000_000 },
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  return { app, http: request(app.getHttpServer() as Server), dataDir };
}

/** Every table of the read store but the idempotency cache (a per-instance record of answers), rows sorted. */
function readStoreContents(dataDir: string): Record<string, unknown[]> {
  const db = new Database(path.join(dataDir, 'read.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>)
      .map((t) => t.name)
      .filter((name) => name !== 'idempotency_responses');
    return Object.fromEntries(
      tables.map((name) => {
        const rows = db.prepare(`SELECT * FROM "${name}"`).all().map((row) => JSON.stringify(row));
        return [name, rows.sort()];
      }),
    );
  } finally {
    db.close();
  }
}

/** Drives the lifecycles; every command carries its own Idempotency-Key and is retried with it until a 2xx. */
async function driveLoad(http: ReturnType<typeof request>, onAck: (acks: number) => void): Promise<{ acknowledged: string[]; failedAttempts: number }> {
  const acknowledged: string[] = [];
  let failedAttempts = 0;
  const command = async (pathName: string, body: object): Promise<void> => {
    const key = randomUUID();
    for (let attempt = 1; ; attempt++) {
      const response = await http
        .post(pathName)
        .set('Idempotency-Key', key)
        .set('X-Actor', 'load')
        .send(body)
        .then(
          (r) => r,
          () => null,
        );
      if (response !== null && response.status >= 200 && response.status < 300) {
        acknowledged.push(key);
        onAck(acknowledged.length);
        return;
      }
      // A 4xx is an answer, not an outage: the load only sends valid commands.
      if (response !== null && response.status < 500) throw new Error(`${pathName} answered ${response.status}: ${JSON.stringify(response.body)}`);
      failedAttempts += 1;
      if (attempt >= COMMAND_ATTEMPTS_MAX) throw new Error(`${pathName} failed ${attempt} times`);
      await sleep(COMMAND_RETRY_DELAY_MS);
    }
  };
  const lifecycle = async (): Promise<void> => {
    const encounter = encounterBody();
    await command('/encounters', encounter);
    const claim = claimBody(encounter.encounterId, { payerId: uid('payer') });
    await command('/claims', claim);
    await command(`/claims/${claim.claimId}/remittances`, remittanceBody());
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < LIFECYCLES) {
        next += 1;
        await lifecycle();
      }
    }),
  );
  return { acknowledged, failedAttempts };
}

describe('EventStoreDB recovery of the whole service', () => {
  let fake: FakeEventStoreDb;
  const dirs: string[] = [];
  const apps: INestApplication[] = [];

  beforeEach(async () => {
    fake = await FakeEventStoreDb.start();
  });

  afterEach(async () => {
    // close() twice is harmless; a test that failed midway leaves its apps open otherwise.
    for (const app of apps.splice(0)) await app.close().catch(() => undefined);
    await fake.stop();
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the load with `fault` injected mid-way, then checks what must hold after any fault. */
  async function runWithFault(fault: () => Promise<void>): Promise<{ failedAttempts: number; resubscriptions: number; transportRetries: number }> {
    const live = await startApp(fake);
    dirs.push(live.dataDir);
    apps.push(live.app);
    let injected: Promise<void> | null = null;
    const { acknowledged, failedAttempts } = await driveLoad(live.http, (acks) => {
      if (acks === FAULT_AFTER_ACKS) injected = fault();
    });
    await injected;
    expect(injected).not.toBeNull();
    expect(acknowledged).toHaveLength(LIFECYCLES * 3);

    // Every acknowledged command is stored, and stored once: its events carry its key, and no
    // event id appears twice in the log.
    const events = fake.log.readAll('start', 'forwards', Number.MAX_SAFE_INTEGER, (e) => !e.streamId.startsWith('$'));
    expect(events).toHaveLength(LIFECYCLES * 4);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    const keys = new Set(events.map((e) => (JSON.parse(Buffer.from(e.metadata).toString('utf8')) as { idempotencyKey?: string }).idempotencyKey));
    for (const key of acknowledged) expect(keys.has(key)).toBe(true);

    const { resubscriptions, transportRetries } = live.app.get<typeof EVENT_STORE, EsdbEventStore>(EVENT_STORE).stats();
    // The live instance's projections caught up (read-your-writes answered every command) …
    const health = await live.http.get('/health').expect(200);
    for (const p of health.body.projections as Array<{ lag: string }>) expect(p.lag).toBe('0');
    await live.app.close();
    // … and equal the projections of a fresh instance that rebuilt them from the whole log.
    const rebuilt = await startApp(fake);
    dirs.push(rebuilt.dataDir);
    apps.push(rebuilt.app);
    await rebuilt.app.close();
    const liveTables = readStoreContents(live.dataDir);
    expect(Object.keys(liveTables)).toEqual(expect.arrayContaining(['claims', 'patient_accounts', 'projection_checkpoints']));
    expect(liveTables['claims']).toHaveLength(LIFECYCLES);
    expect(liveTables).toEqual(readStoreContents(rebuilt.dataDir));
    return { failedAttempts, resubscriptions, transportRetries };
  }

  it('survives the subscription being dropped mid-stream, again and again', async () => {
    const startedBefore = fake.stats().subscriptionsStarted;
    const { resubscriptions } = await runWithFault(async () => {
      for (const code of [GrpcStatus.CANCELLED, GrpcStatus.UNAVAILABLE, GrpcStatus.CANCELLED] as const) {
        // Each drop hits a live subscription: the previous one has been replaced by then.
        await fake.waitForSubscriptions(1);
        expect(fake.dropSubscriptions(code)).toBe(1);
        await sleep(40);
      }
    });
    // The live instance resubscribed after each drop (and the rebuild subscribed once more).
    expect(resubscriptions).toBe(3);
    expect(fake.stats().subscriptionsStarted - startedBefore).toBe(1 + 3 + 1);
  });

  it('survives a server restart mid-load', async () => {
    const { failedAttempts, resubscriptions, transportRetries } = await runWithFault(() => fake.restart(RESTART_DOWNTIME_MS));
    expect(fake.isUp).toBe(true);
    // The restart hit the live instance: its subscription was cut and reopened, and calls in flight were retried.
    expect(resubscriptions).toBeGreaterThanOrEqual(1);
    expect(transportRetries).toBeGreaterThanOrEqual(1);
    // Reported, not asserted: whether a command failed outright depends on when the restart hit it.
    if (failedAttempts > 0) console.warn(`restart: ${failedAttempts} command attempts failed and were retried with their Idempotency-Key`);
  });
});
