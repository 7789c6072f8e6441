import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { EventMetadata } from '../common/event';
import type { EventStore, NewEvent, ReadStreamOptions } from '../event-store/event-store';
import { SqliteEventStore } from '../event-store/sqlite-event-store';
import { patientStreamId } from '../patients/patient';
import { claimStreamId } from './claim';
import { ClaimFolds } from './claim-folds';
import { CLAIM_ID, denied, OTHER_CLAIM_ID, PATIENT_ID, patientPaid, remitted, reversed, submitted, voided } from './claim-fixtures';
import { loadClaim } from './claim-repository';

const metadata = (idempotencyKey?: string): EventMetadata => ({
  schemaVersion: 1,
  actor: 'spec',
  correlationId: 'c',
  causationId: 'c',
  source: 'cli',
  recordedAt: '2025-03-20T00:00:00.000Z',
  ...(idempotencyKey !== undefined && { idempotencyKey }),
});
const toNew = (event: { type: string; data: object }, idempotencyKey?: string): NewEvent => ({ id: randomUUID(), ...event, metadata: metadata(idempotencyKey) });

describe('ClaimFolds', () => {
  let dir: string;
  let stores: SqliteEventStore[];
  const open = (): SqliteEventStore => {
    const store = SqliteEventStore.open(path.join(dir, 'events.sqlite'));
    stores.push(store);
    return store;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bl-folds-'));
    stores = [];
  });
  afterEach(async () => {
    for (const store of stores) await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const withoutEvents = async (store: EventStore, claimId: string): Promise<unknown> => {
    const { events: _events, readThrough: _readThrough, ...loaded } = await loadClaim(store, claimId);
    return loaded;
  };

  it('folds only new events and answers as a full load does, with appends from another process between loads', async () => {
    const store = open();
    const other = open();
    const folds = new ClaimFolds();
    const claim = claimStreamId(CLAIM_ID);
    const patient = patientStreamId(PATIENT_ID);
    const steps: Array<[SqliteEventStore, string, NewEvent]> = [
      [store, claim, toNew(submitted(), 'k-1')],
      [other, patient, toNew(patientPaid({ allocations: [{ claimId: OTHER_CLAIM_ID, amountCents: 500 }] }))],
      [store, claim, toNew(remitted(), 'k-2')],
      [other, patient, toNew(patientPaid({ paymentId: 'pay-2', amountCents: 1_000, allocations: [{ claimId: CLAIM_ID, amountCents: 1_000 }] }))],
      [other, claim, toNew(reversed())],
      [store, claim, toNew(denied())],
    ];
    const revisions = new Map<string, number>();
    for (const [writer, streamId, event] of steps) {
      const expected = revisions.get(streamId) ?? -1;
      await writer.append(streamId, [event], expected < 0 ? 'no_stream' : expected);
      revisions.set(streamId, expected + 1);
      const { readThrough: _readThrough, ...folded } = await folds.load(store, CLAIM_ID);
      expect(folded).toEqual(await withoutEvents(store, CLAIM_ID));
    }
    expect((await folds.load(store, CLAIM_ID)).idempotencyKeys).toEqual(new Set(['k-1', 'k-2']));
    expect(await folds.patientOf(store, CLAIM_ID)).toBe(PATIENT_ID);
    expect(await folds.patientOf(store, 'no-such-claim')).toBeNull();
  });

  it('folds afresh when a new event is positioned before one it already read', async () => {
    const real = open();
    const folds = new ClaimFolds();
    await real.append(claimStreamId(CLAIM_ID), [toNew(submitted())], 'no_stream');
    // The claim stream was read just before its next event committed, the patient stream just after.
    let hideClaimRevision: number | null = 1;
    const racing: EventStore = Object.create(real, {
      readStream: {
        value: async (streamId: string, options?: ReadStreamOptions) => {
          const events = await real.readStream(streamId, options);
          return streamId === claimStreamId(CLAIM_ID) && hideClaimRevision !== null ? events.filter((e) => e.revision < (hideClaimRevision as number)) : events;
        },
      },
    }) as EventStore;
    await real.append(claimStreamId(CLAIM_ID), [toNew(voided())], 0);
    await real.append(patientStreamId(PATIENT_ID), [toNew(patientPaid({ allocations: [{ claimId: CLAIM_ID, amountCents: 700 }] }))], 'no_stream');
    await folds.load(racing, CLAIM_ID);
    hideClaimRevision = null;
    const { readThrough: _readThrough, ...folded } = await folds.load(racing, CLAIM_ID);
    expect(folded).toEqual(await withoutEvents(real, CLAIM_ID));
  });
});
