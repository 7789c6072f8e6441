import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { AppModule } from '../app.module';
import { ClaimCommands } from '../claims/claim-commands';
import type { Adjustment, ClaimLine } from '../claims/claim';
import type { ClaimView } from '../claims/claim-view';
import { correctClaim } from '../claims/correct-claim/correct-claim';
import { postRemittance } from '../claims/post-remittance/post-remittance';
import { postWriteOff } from '../claims/post-write-off/post-write-off';
import { receiveDenial } from '../claims/receive-denial/receive-denial';
import { rejectClaim } from '../claims/reject-claim/reject-claim';
import { resubmitClaim } from '../claims/resubmit-claim/resubmit-claim';
import { reverseRemittance } from '../claims/reverse-remittance/reverse-remittance';
import { voidClaim } from '../claims/void-claim/void-claim';
import type { CommandContext } from '../common/command-context';
import type { LedgerConfig } from '../common/config';
import { EncounterCommands } from '../encounters/encounter-commands';
import type { ServiceLine } from '../encounters/encounter';
import { EVENT_STORE, type EventStore, type Position } from '../event-store/event-store';
import { PatientCommands } from '../patients/patient-commands';
import { LedgerQueries } from '../projections/ledger-queries';
import { progressBar } from './progress';
import { Random } from './random';

/** Lifecycles in flight at once: enough for the store to group-commit their appends. */
export const SEED_CONCURRENCY = 32;
const DAY_MS = 86_400_000;

const PROCEDURES: ReadonlyArray<{ code: string; chargeCents: [number, number] }> = [
  { code: '99213', chargeCents: [9_000, 16_000] },
  { code: '99214', chargeCents: [14_000, 24_000] },
  { code: '99203', chargeCents: [12_000, 20_000] },
  { code: '93000', chargeCents: [4_000, 9_000] },
  { code: '36415', chargeCents: [1_000, 3_000] },
  { code: '80053', chargeCents: [3_000, 8_000] },
  { code: '85025', chargeCents: [2_000, 5_000] },
  { code: '71046', chargeCents: [9_000, 18_000] },
  { code: '97110', chargeCents: [6_000, 12_000] },
  { code: 'G0439', chargeCents: [17_000, 25_000] },
  { code: 'J3420', chargeCents: [500, 2_500] },
];
const DIAGNOSES = ['E11.9', 'I10', 'J45.909', 'M54.50', 'Z00.00', 'K21.9', 'E78.5', 'F41.1', 'J06.9', 'R05.9', 'N39.0', 'M17.11'];
const PAYERS = ['payer-medicare', 'payer-bcbs', 'payer-aetna', 'payer-uhc', 'payer-cigna', 'payer-medicaid'];
const NPIS = ['1234567893', '1245319599', '1003000126'];
const DENIALS: ReadonlyArray<{ reason: string; remark: string }> = [
  { reason: '16', remark: 'N130' },
  { reason: '50', remark: 'N115' },
  { reason: '197', remark: 'N54' },
  { reason: '4', remark: 'N519' },
];
const PATIENT_RESPONSIBILITY_REASONS = ['1', '2', '3'];

export interface SeedResult {
  claims: number;
  events: number;
  seconds: number;
}

/** Drives realistic claim lifecycles through the real command handlers (decide, append, project). */
export const seed = async (config: LedgerConfig, claimCount: number, seedValue: number): Promise<SeedResult> => {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['error', 'warn'] });
  try {
    const store = app.get<EventStore>(EVENT_STORE);
    const driver = new LifecycleDriver(app.get(EncounterCommands), app.get(ClaimCommands), app.get(PatientCommands), app.get(LedgerQueries), seedValue);
    const headBefore = await store.headPosition();
    const bar = progressBar('seed claims', claimCount);
    const started = performance.now();
    let next = 0;
    let done = 0;
    const worker = async (): Promise<void> => {
      while (next < claimCount) {
        const index = next++;
        await driver.lifecycle(index);
        bar.update(++done);
      }
    };
    await Promise.all(Array.from({ length: Math.min(SEED_CONCURRENCY, claimCount) }, worker));
    bar.stop();
    const seconds = (performance.now() - started) / 1000;
    return { claims: claimCount, events: await countEventsAfter(store, headBefore), seconds };
  } finally {
    await app.close();
  }
};

/** Events stored after a position. Counted, not subtracted: positions are opaque (EventStoreDB's are byte offsets). */
const countEventsAfter = async (store: EventStore, after: Position): Promise<number> => {
  let count = 0;
  for (let page = await store.readAll(after); page.length > 0; page = await store.readAll(page[page.length - 1]!.position)) count += page.length;
  return count;
};

export class LifecycleDriver {
  private readonly runId: string;

  constructor(
    private readonly encounters: EncounterCommands,
    private readonly claims: ClaimCommands,
    private readonly patients: PatientCommands,
    private readonly queries: LedgerQueries,
    private readonly seedValue: number,
  ) {
    this.runId = randomUUID().slice(0, 8);
  }

  async lifecycle(index: number): Promise<void> {
    const random = new Random(this.seedValue * 1_000_003 + index);
    const id = `${this.runId}-${index}`;
    const context = (): CommandContext => {
      const commandId = randomUUID();
      return { actor: 'seed', correlationId: `seed-${id}`, commandId, source: 'cli' };
    };
    const patientId = `pat-${this.runId}-${random.int(1, Math.max(1, Math.floor(index / 3) + 1))}`;
    const dateOfService = new Date(Date.UTC(2026, 0, 1) + random.int(0, 300) * DAY_MS);
    let day = dateOfService.getTime();
    const at = (daysLater: number): string => new Date((day += daysLater * DAY_MS)).toISOString();

    const diagnoses = [...new Set(Array.from({ length: random.int(1, 3) }, () => random.pick(DIAGNOSES)))];
    const lines: ServiceLine[] = Array.from({ length: random.int(1, 4) }, (_, i) => {
      const procedure = random.pick(PROCEDURES);
      return {
        lineNumber: i + 1,
        procedureCode: procedure.code,
        modifiers: i === 0 && procedure.code.startsWith('992') && random.chance(0.3) ? ['25'] : [],
        units: procedure.code === 'J3420' ? random.int(1, 3) : 1,
        chargeCents: random.int(procedure.chargeCents[0], procedure.chargeCents[1]),
        diagnosisPointers: [random.int(1, diagnoses.length)],
      };
    });
    await this.encounters.code(
      { encounterId: `enc-${id}`, patientId, providerNpi: random.pick(NPIS), dateOfService: dateOfService.toISOString().slice(0, 10), diagnoses, lines },
      context(),
    );
    const claimId = `clm-${id}`;
    let claim = await this.claims.submit(
      { claimId, encounterId: `enc-${id}`, payerId: random.pick(PAYERS), memberId: `M${random.int(100000, 999999)}`, submittedAt: at(random.int(1, 5)) },
      context(),
    );

    if (random.chance(0.03)) {
      await this.claims.run(claimId, context(), (c) => voidClaim({ claimId, reason: 'billed in error', voidedAt: at(2) }, c));
      return;
    }
    if (random.chance(0.1)) {
      await this.claims.run(claimId, context(), (c) =>
        rejectClaim({ claimId, reasons: [{ code: 'A7:562', message: 'Entity identifier missing' }], rejectedAt: at(1) }, c),
      );
      await this.correctAndResubmit(claimId, context, at, 'added the missing subscriber identifier');
    }
    if (random.chance(0.2)) {
      const denial = random.pick(DENIALS);
      claim = await this.claims.run(claimId, context(), (c) =>
        receiveDenial(
          {
            claimId,
            remittanceId: `era-${id}-d`,
            adjustments: [{ group: 'CO', reason: denial.reason, amountCents: claim.balances.chargesCents }],
            remarks: [denial.remark],
            receivedAt: at(random.int(10, 30)),
          },
          c,
        ),
      );
      if (random.chance(0.15)) {
        await this.claims.run(claimId, context(), (c) =>
          postWriteOff({ claimId, amountCents: claim.balances.payerBalanceCents, from: 'payer', reason: 'timely_filing', postedAt: at(60) }, c),
        );
        return;
      }
      await this.correctAndResubmit(claimId, context, at, 'corrected coding after denial');
    }

    const paidInParts = claim.lines.length > 1 && random.chance(0.15);
    const firstLines = paidInParts ? claim.lines.slice(0, 1) : claim.lines;
    claim = await this.remit(claimId, `era-${id}-1`, firstLines, random, context, at(random.int(14, 40)));
    if (random.chance(0.05)) {
      claim = await this.claims.run(claimId, context(), (c) => reverseRemittance({ claimId, remittanceId: `era-${id}-1`, reversedAt: at(20) }, c));
      claim = await this.remit(claimId, `era-${id}-1r`, claim.lines, random, context, at(random.int(10, 30)));
    } else if (paidInParts) {
      claim = await this.remit(claimId, `era-${id}-2`, claim.lines.slice(1), random, context, at(random.int(10, 30)));
    }

    const owed = claim.balances.patientBalanceCents;
    if (owed > 0 && random.chance(0.8)) {
      const allocated = random.chance(0.75) ? owed : random.int(1, owed);
      const overpay = random.chance(0.05) ? random.int(100, 2_000) : 0;
      await this.patients.receivePayment(
        {
          patientId,
          paymentId: `pay-${id}`,
          amountCents: allocated + overpay,
          method: random.pick(['cash', 'card', 'check', 'ach'] as const),
          receivedAt: at(random.int(5, 45)),
          allocations: [{ claimId, amountCents: allocated }],
        },
        context(),
      );
      claim = this.queries.claim(claimId);
    }
    const rest = claim.balances.patientBalanceCents;
    if (rest > 0 && (rest < 1_000 || random.chance(0.3))) {
      await this.claims.run(claimId, context(), (c) =>
        postWriteOff({ claimId, amountCents: rest, from: 'patient', reason: rest < 1_000 ? 'small_balance' : 'bad_debt', postedAt: at(90) }, c),
      );
    }
  }

  private async correctAndResubmit(claimId: string, context: () => CommandContext, at: (days: number) => string, reason: string): Promise<ClaimView> {
    await this.claims.run(claimId, context(), (c) => correctClaim({ claimId, reason, correctedAt: at(2) }, c));
    return this.claims.run(claimId, context(), (c) => resubmitClaim({ claimId, resubmittedAt: at(1) }, c));
  }

  /** A payer remittance that balances per line: allowed amount, contractual CO-45, patient share as PR. */
  private remit(
    claimId: string,
    remittanceId: string,
    lines: readonly ClaimLine[],
    random: Random,
    context: () => CommandContext,
    receivedAt: string,
  ): Promise<ClaimView> {
    const remitted = lines.map((line) => {
      const allowedCents = Math.round(line.chargeCents * (0.45 + random.next() * 0.45));
      const patientCents = random.chance(0.6) ? Math.round(allowedCents * random.next() * 0.4) : 0;
      const adjustments: Adjustment[] = [{ group: 'CO', reason: '45', amountCents: line.chargeCents - allowedCents }];
      if (patientCents > 0) adjustments.push({ group: 'PR', reason: random.pick(PATIENT_RESPONSIBILITY_REASONS), amountCents: patientCents });
      return { lineNumber: line.lineNumber, paidCents: allowedCents - patientCents, adjustments };
    });
    const paidCents = remitted.reduce((sum, line) => sum + line.paidCents, 0);
    return this.claims.run(claimId, context(), (c) => postRemittance({ claimId, remittanceId, paidCents, lines: remitted, receivedAt }, c));
  }
}
