import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/app';
import type { Clock } from '../../src/common/clock';
import type { LedgerConfig } from '../../src/common/config';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store';
import type { Http } from '../support/test-app';

/**
 * The real service for the contracts and scrubbing e2e specs: like test/support/test-app, a
 * real SQLite file in a temp dir and real HTTP, but with this configuration (a scrub
 * rule file, an underpayment tolerance), which startTestApp does not take.
 */
export interface ContractsApp {
  http: Http;
  dataDir: string;
  store: EventStore;
  eventCount(): Promise<number>;
  close(): Promise<void>;
}

export interface ContractsAppOptions {
  scrubRulesFile?: string;
  underpaymentToleranceCents?: number;
  /** Reuse a data directory (kept on close); default a fresh temp dir, removed on close. */
  dataDir?: string;
  clock?: Clock;
}

export const startContractsApp = async (options: ContractsAppOptions = {}): Promise<ContractsApp> => {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'bl-contracts-'));
  const config: LedgerConfig = {
    eventStore: 'sqlite',
    dataDir,
    host: '127.0.0.1',
    port: 0,
    esdbConnectionString: undefined,
    auth: 'off',
    rateLimitPerSecond: 1_000_000,
    ...(options.scrubRulesFile !== undefined && { scrubRulesFile: options.scrubRulesFile }),
    ...(options.underpaymentToleranceCents !== undefined && { underpaymentToleranceCents: options.underpaymentToleranceCents }),
  };
  let app: INestApplication | undefined;
  try {
    app = await createApp(config, { logger: false, ...(options.clock !== undefined && { clock: options.clock }) });
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app?.close();
    if (options.dataDir === undefined) fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const started = app;
  const store = started.get<typeof EVENT_STORE, EventStore>(EVENT_STORE);
  return {
    http: request(started.getHttpServer() as Server),
    dataDir,
    store,
    eventCount: async () => Number(await store.headPosition()),
    close: async () => {
      await started.close();
      if (options.dataDir === undefined) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

/** Writes a scrub rule file into a temp dir; returns its path. */
export const writeRulesFile = (rules: unknown): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bl-rules-'));
  const file = path.join(dir, 'scrub-rules.json');
  fs.writeFileSync(file, JSON.stringify(rules));
  return file;
};

/** Invented fee schedule rows (the example file's amounts): visit 9200, ECG 1700, therapy 2900 per unit, knee 145000. */
export const SCHEDULE_ROWS = [
  { procedureCode: '99213', allowedCents: 9_200, unitsPolicy: 'per_service' },
  { procedureCode: '93000', allowedCents: 1_700, unitsPolicy: 'per_service' },
  { procedureCode: '97110', allowedCents: 2_900, unitsPolicy: 'per_unit' },
  { procedureCode: '27447', allowedCents: 145_000, unitsPolicy: 'per_service' },
];
export const MODIFIER_RULES = [
  { modifier: '22', change: '+25%' },
  { modifier: '50', change: '150%' },
  { modifier: '80', change: '16%' },
];
