import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppModule } from '../../src/app.module';
import { ClaimCommands } from '../../src/claims/claim-commands';
import { ClaimFolds } from '../../src/claims/claim-folds';
import { loadClaim } from '../../src/claims/claim-repository';
import { LifecycleDriver, SEED_CONCURRENCY } from '../../src/cli/seed';
import { loadStream } from '../../src/common/command-handler';
import { loadConfig } from '../../src/common/config';
import { FoldedStreams } from '../../src/common/folded-streams';
import { EncounterCommands } from '../../src/encounters/encounter-commands';
import { evolveEncounter, initialEncounterState } from '../../src/encounters/encounter';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store';
import { PatientCommands } from '../../src/patients/patient-commands';
import { evolvePatient, initialPatientState } from '../../src/patients/patient';
import { LedgerQueries } from '../../src/projections/ledger-queries';
import { openTestEventStore, type TestEventStore } from '../support/esdb-fake/test-event-store';

const LIFECYCLES = 120;

/**
 * The command services keep folds in memory and record what they append instead of reading it
 * back. After many concurrent lifecycles through the real services (denials, corrections, partial
 * payments, reversals, patient payments and refunds), every fold they hold must equal a fold of
 * the stream read afresh.
 */
describe('folds kept by the command services', () => {
  let dataDir: string;
  let app: INestApplicationContext;
  let store: EventStore;
  let backend: TestEventStore;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bl-folds-'));
    // SQLite, or EventStoreDB in the esdb jest project.
    backend = await openTestEventStore();
    const config = loadConfig({
      LEDGER_DATA_DIR: dataDir,
      EVENT_STORE: backend.kind,
      ...(backend.esdbConnectionString !== undefined && { EVENTSTORE_CONNECTION_STRING: backend.esdbConnectionString }),
      AUTH: 'off',
    });
    app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: false });
    store = app.get<EventStore>(EVENT_STORE);
    await backend.started(store);
    const driver = new LifecycleDriver(app.get(EncounterCommands), app.get(ClaimCommands), app.get(PatientCommands), app.get(LedgerQueries), 11);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < LIFECYCLES) await driver.lifecycle(next++);
    };
    await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
  }, 120_000);

  afterAll(async () => {
    await app.close();
    await backend.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const streamIds = async (): Promise<Set<string>> => {
    const ids = new Set<string>();
    for (let after = 0n; ; ) {
      const page = await store.readAll(after, { maxCount: 1_000 });
      for (const event of page) ids.add(event.streamId);
      const last = page[page.length - 1];
      if (last === undefined) return ids;
      after = last.position;
    }
  };

  it('hold, for every claim, encounter and patient, what a fresh read folds to', async () => {
    const claims = app.get(ClaimFolds);
    const folds = app.get(FoldedStreams);
    const ids = [...(await streamIds())];
    expect(ids.filter((id) => id.startsWith('claim-')).length).toBe(LIFECYCLES);
    for (const streamId of ids) {
      const [kind, ...rest] = streamId.split('-');
      const id = rest.join('-');
      if (kind === 'claim') {
        const { events: _events, readThrough: _readThrough, ...fresh } = await loadClaim(store, id);
        const { readThrough: _kept, ...kept } = await claims.load(store, id);
        expect(kept).toEqual(fresh);
      } else if (kind === 'encounter') {
        expect(await folds.load(store, streamId, initialEncounterState, evolveEncounter)).toEqual(await loadStream(store, streamId, initialEncounterState, evolveEncounter));
      } else if (kind === 'patient') {
        expect(await folds.load(store, streamId, initialPatientState(id), evolvePatient)).toEqual(await loadStream(store, streamId, initialPatientState(id), evolvePatient));
      }
    }
  });
});
