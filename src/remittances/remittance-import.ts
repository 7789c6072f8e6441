import { eventMetadata } from '../common/command-handler';
import { Inject, Injectable } from '@nestjs/common';
import { patientLockKey } from '../claims/claim-commands';
import { claimStreamId, type ClaimBalances, type ClaimStatus, type RemittancePosted } from '../claims/claim';
import { loadClaim } from '../claims/claim-repository';
import { CLOCK, type Clock } from '../common/clock';
import type { CommandContext } from '../common/command-context';
import { ConcurrencyConflict } from '../common/errors';
import { KeyedLock } from '../common/keyed-lock';
import { EVENT_STORE, type EventStore, type NewEvent, type Position } from '../event-store/event-store';
import { LedgerQueries } from '../projections/ledger-queries';
import { ProjectionRunner } from '../projections/projection-runner';
import { remittanceStreamId, type ImportProblem, type RemittanceAdviceReceived } from './era';
import { planImport, type ClaimContext, type ClaimOutcome, type PlannedEvent, type RemittanceStreamContext, type TransactionOutcome } from './plan-import';
import { read835 } from './read-835';
import { readX12 } from './x12-reader';

/** What an import did (or, rejected, would have done), claim by claim, with every problem and where it is. */
export interface ImportReport {
  /**
   * `imported`: everything posted; `already_imported`: nothing new (a re-import);
   * `partially_imported`: --partial posted the good claims, `problems` lists the rest;
   * `rejected`: nothing was posted.
   */
  status: 'imported' | 'already_imported' | 'partially_imported' | 'rejected';
  partial: boolean;
  appendedEvents: number;
  transactions: TransactionOutcome[];
  claims: Array<ClaimOutcome & { claimStatus?: ClaimStatus; balances?: ClaimBalances }>;
  problems: ImportProblem[];
  warnings: ImportProblem[];
}

export interface ImportOptions {
  partial: boolean;
  context: CommandContext;
}

/** Claims of one file loaded at a time; a file naming more is refused (split it). */
export const CLAIMS_PER_FILE_MAX = 10_000;
/** Claim-stream appends in flight at once: enough for the store to commit them in a few group commits. */
export const APPENDS_IN_FLIGHT_MAX = 256;

/**
 * Imports X12 835 files: read → map → validate everything (planImport) → append. The claims'
 * patients are locked for the whole import, so no other command of this process moves their
 * money between the checks and the appends; across processes each stream's expected revision
 * still guards it, and a re-import completes an import cut short (it is idempotent).
 */
@Injectable()
export class RemittanceImporter {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly lock: KeyedLock,
    private readonly runner: ProjectionRunner,
    private readonly queries: LedgerQueries,
  ) {}

  async import(text: string, options: ImportOptions): Promise<ImportReport> {
    const read = read835(await readX12(text));
    const claimIds = [...new Set(read.transactions.flatMap((t) => t.advice.claims.map((c) => c.claimId)).filter((id) => id !== ''))];
    const traces = [...new Set(read.transactions.map((t) => t.advice.traceNumber).filter((t) => t !== ''))];
    if (claimIds.length > CLAIMS_PER_FILE_MAX) {
      const tooMany: ImportProblem = {
        code: 'TOO_MANY_CLAIMS',
        message: `the file names ${claimIds.length} claims; at most ${CLAIMS_PER_FILE_MAX} are imported at once`,
        scope: 'file',
        position: { segment: 1, tag: 'ISA' },
      };
      return { status: 'rejected', partial: options.partial, appendedEvents: 0, transactions: [], claims: [], problems: [tooMany], warnings: read.warnings };
    }
    const patients = await Promise.all(claimIds.map((id) => this.patientOf(id)));
    const keys = [...patients.filter((p): p is string => p !== null).map(patientLockKey), ...traces.map((t) => `remittance:${t}`)];
    const { plan, appended, position, concurrencyProblem } = await this.lock.run(keys.length > 0 ? keys : ['remittance:'], async () => {
      const claims = new Map<string, ClaimContext>();
      const revisions = new Map<string, number>();
      for (const claimId of claimIds) {
        const loaded = await loadClaim(this.store, claimId);
        claims.set(claimId, {
          state: loaded.state,
          eventIds: new Set(loaded.events.map((e) => e.id)),
          payments: loaded.events
            .filter((e) => e.type === 'RemittancePosted')
            .map((e) => {
              const data = e.data as RemittancePosted['data'];
              return {
                remittanceId: data.remittanceId,
                paidCents: data.paidCents,
                ...(data.payerClaimControlNumber !== undefined && { payerClaimControlNumber: data.payerClaimControlNumber }),
              };
            }),
        });
        revisions.set(claimStreamId(claimId), loaded.revision);
      }
      const streams = new Map<string, RemittanceStreamContext>();
      for (const trace of traces) {
        const events = await this.store.readStream(remittanceStreamId(trace));
        const advice = events.find((e) => e.type === 'RemittanceAdviceReceived');
        const digest = advice ? (advice.data as RemittanceAdviceReceived['data']).contentDigest : undefined;
        streams.set(trace, { eventIds: new Set(events.map((e) => e.id)), ...(digest !== undefined && { contentDigest: digest }) });
        revisions.set(remittanceStreamId(trace), events.length - 1);
      }
      const plan = planImport(read, claims, streams, { partial: options.partial, now: this.clock.now().toISOString() });
      let appended = 0;
      let position = null as Position | null;
      let concurrencyProblem = null as ImportProblem | null;
      const recordedAt = this.clock.now().toISOString();
      const append = async ([streamId, events]: [string, PlannedEvent[]]): Promise<void> => {
        const revision = revisions.get(streamId) ?? -1;
        try {
          const result = await this.store.append(streamId, this.toNewEvents(events, options.context, recordedAt), revision < 0 ? 'no_stream' : revision);
          appended += events.length;
          if (position === null || result.position > position) position = result.position;
        } catch (error) {
          if (!(error instanceof ConcurrencyConflict)) throw error;
          concurrencyProblem = {
            code: 'CONCURRENT_CHANGE',
            message: `${streamId} changed while the file was being imported; what was appended stands, and importing the file again completes it`,
            scope: 'file',
            position: { segment: 1, tag: 'ISA' },
          };
        }
      };
      // Claim streams in flight together, so the store commits them in a few group commits; the remittance streams after them.
      const claimAppends = [...plan.appends].filter(([streamId]) => !streamId.startsWith('remittance-'));
      for (let i = 0; i < claimAppends.length; i += APPENDS_IN_FLIGHT_MAX) await Promise.all(claimAppends.slice(i, i + APPENDS_IN_FLIGHT_MAX).map(append));
      if (concurrencyProblem === null) for (const entry of plan.appends) if (entry[0].startsWith('remittance-')) await append(entry);
      return { plan, appended, position, concurrencyProblem };
    });
    if (position !== null) await this.runner.waitFor(position);

    const problems = concurrencyProblem ? [...plan.problems, concurrencyProblem] : plan.problems;
    const posted = new Set(plan.claims.filter((c) => c.events.length > 0 && !['rejected', 'not_posted', 'already_imported'].includes(c.outcome)).map((c) => c.claimId));
    const claims = plan.claims.map((c) => {
      if (!posted.has(c.claimId) || appended === 0) return c;
      const view = this.queries.claim(c.claimId);
      return { ...c, claimStatus: view.status, balances: view.balances };
    });
    const status: ImportReport['status'] = plan.rejected
      ? 'rejected'
      : problems.length > 0
        ? appended > 0
          ? 'partially_imported'
          : 'rejected'
        : appended > 0
          ? 'imported'
          : 'already_imported';
    return { status, partial: options.partial, appendedEvents: appended, transactions: plan.transactions, claims, problems, warnings: plan.warnings };
  }

  private async patientOf(claimId: string): Promise<string | null> {
    const [first] = await this.store.readStream(claimStreamId(claimId), { maxCount: 1 });
    return first ? (first.data as { patientId: string }).patientId : null;
  }

  private toNewEvents(events: readonly PlannedEvent[], context: CommandContext, recordedAt: string): NewEvent[] {
    return events.map((event) => ({
      id: event.id,
      type: event.type,
      data: event.data,
      metadata: eventMetadata(context, recordedAt, 'import'),
    }));
  }
}
