/**
 * As-of answers replay the events: random ledgers (real deciders) are appended to a real SQLite
 * event store, then the replay at random as-of instants and positions must give the books of
 * exactly the events recorded by then. The claim cache is kept tiny so claims spill to the
 * scratch file and come back (the path a large ledger takes).
 */
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { balancesOf, evolveClaim, type Claim, type ClaimFoldEvent } from '../../src/claims/claim';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store';
import { AR_PATIENT, AR_PAYER, PATIENT_CREDITS } from '../../src/finance/chart-of-accounts';
import { replayLedger } from '../../src/finance/ledger-replay';
import { evolvePatient, initialPatientState, type PatientEvent } from '../../src/patients/patient';
import { CLAIMS, ledgerOf, PATIENTS, scriptArb, type LedgerEvent } from './lifecycles';

const NUM_RUNS = 25;
const CUTOFFS_PER_RUN = 4;

const isPatientEvent = (event: ClaimFoldEvent): event is PatientEvent => event.type === 'PatientPaymentReceived' || event.type === 'PatientRefundIssued';
const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

const foldClaims = (events: readonly LedgerEvent[]): Claim[] =>
  CLAIMS.map((c) =>
    events.reduce<Claim | null>((s, e) => (isPatientEvent(e.event) || e.event.data.claimId === c.claimId ? evolveClaim(s, e.event) : s), null),
  ).filter((c): c is Claim => c !== null);

describe('ledger replay as of any instant (property, real SQLite store)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finance-replay-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('A/R - Payer = Σ payer balances and A/R - Patient − Patient Credits = Σ patient balances at every as-of', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(scriptArb, fc.array(fc.nat(), { minLength: CUTOFFS_PER_RUN, maxLength: CUTOFFS_PER_RUN }), async (script, picks) => {
        const events = ledgerOf(script);
        const store = SqliteEventStore.open(path.join(dir, `events-${++run}.sqlite`));
        try {
          for (const e of events) {
            await store.append(e.streamId, [
              {
                id: randomUUID(),
                type: e.event.type,
                data: e.event.data,
                metadata: { schemaVersion: 1, actor: 'prop', correlationId: 'c', causationId: 'c', source: 'cli', recordedAt: new Date(e.atMs).toISOString() },
              },
            ], 'any');
          }
          for (const pick of picks) {
            const k = pick % (events.length + 1);
            const included = events.slice(0, k);
            const asOf = k === 0 ? new Date(events[0]!.atMs - 1).toISOString() : new Date(events[k - 1]!.atMs).toISOString();
            const byInstant = await replayLedger(store, { recordedAt: asOf }, { claimCacheMax: 1 });
            const byPosition = await replayLedger(store, { position: BigInt(k) }, { claimCacheMax: 1 });
            try {
              const claims = foldClaims(included);
              const balances = claims.map((c) => balancesOf(c.money));
              const unallocated = sum(
                PATIENTS.map(
                  (patientId) =>
                    included.reduce((s, e) => (isPatientEvent(e.event) && e.event.data.patientId === patientId ? evolvePatient(s, e.event) : s), initialPatientState(patientId))
                      .unallocatedCreditCents,
                ),
              );
              for (const replay of [byInstant, byPosition]) {
                const trial = replay.trialBalance;
                expect(replay.eventCount).toBe(k);
                expect(replay.position).toBe(BigInt(k));
                expect(trial.result().totals.debitCents).toBe(trial.result().totals.creditCents);
                expect(trial.netDebitCents(AR_PAYER)).toBe(sum(balances.map((b) => b.payerBalanceCents)));
                expect(trial.netDebitCents(AR_PATIENT) + trial.netDebitCents(PATIENT_CREDITS)).toBe(sum(balances.map((b) => b.patientBalanceCents)) - unallocated);
                expect(replay.unallocatedCreditCents).toBe(unallocated);
                // The books' claims, in id order, are the claims folded independently (they spilled and came back).
                expect([...replay.book.claimsInOrder()].map((c) => c.claim)).toEqual([...claims].sort((a, b) => (a.claimId < b.claimId ? -1 : 1)));
              }
            } finally {
              byInstant.book.close();
              byPosition.book.close();
            }
          }
        } finally {
          await store.close();
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
