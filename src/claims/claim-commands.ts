import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../common/clock';
import type { CommandContext } from '../common/command-context';
import { appendedOnto, handleCommand, toNewEvents } from '../common/command-handler';
import { NotFound } from '../common/errors';
import { KeyedLock } from '../common/keyed-lock';
import { FoldedStreams } from '../common/folded-streams';
import { loadEncounter } from '../encounters/encounter-commands';
import { encounterStreamId, evolveEncounter } from '../encounters/encounter';
import { EVENT_STORE, type EventStore } from '../event-store/event-store';
import { LedgerQueries } from '../projections/ledger-queries';
import { ProjectionRunner } from '../projections/projection-runner';
import { SubmissionChecks } from '../scrubbing/submission-checks';
import { claimStreamId, evolveClaim, type ClaimEvent, type ClaimState, type ClaimSubmitted } from './claim';
import { ClaimFolds } from './claim-folds';
import type { ClaimView } from './claim-view';
import { resubmitClaim, type ResubmitClaim } from './resubmit-claim/resubmit-claim';
import { submitClaim, type SubmitClaim } from './submit-claim/submit-claim';

/** The patient's key: every command that moves a patient's money on a claim holds it. */
export const patientLockKey = (patientId: string): string => `patient:${patientId}`;

/**
 * Runs claim commands: fold the claim (its stream and the patient money touching it), decide,
 * append, wait for the projections, answer with the claim view.
 */
@Injectable()
export class ClaimCommands {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly lock: KeyedLock,
    private readonly runner: ProjectionRunner,
    private readonly queries: LedgerQueries,
    private readonly submissionChecks: SubmissionChecks,
    private readonly folds: FoldedStreams,
    private readonly claims: ClaimFolds,
  ) {}

  now(): string {
    return this.clock.now().toISOString();
  }

  /** Submission spans two streams: the encounter is marked billed first (its revision guards "once"), then the claim is written. */
  async submit(command: SubmitClaim, context: CommandContext): Promise<ClaimView> {
    const encounter = await loadEncounter(this.store, command.encounterId, this.folds);
    const patientId = encounter.state?.patientId ?? `unknown:${command.encounterId}`;
    const keys = [patientLockKey(patientId), `encounter:${command.encounterId}`, `claim:${command.claimId}`];
    // Scrub and price (docs/contracts-and-scrubbing.md) with the payer's fee schedules as they stand now.
    const vetter = await this.submissionChecks.forPayer(command.payerId);
    const position = await this.lock.run(keys, async () => {
      const [current, claim] = await Promise.all([
        loadEncounter(this.store, command.encounterId, this.folds),
        this.claims.load(this.store, command.claimId),
      ]);
      if (context.idempotencyKey !== undefined && claim.idempotencyKeys.has(context.idempotencyKey)) return null;
      const reservedFor = current.state?.claimId;
      const holder = reservedFor && reservedFor !== command.claimId ? (await this.claims.load(this.store, reservedFor)).state : null;
      const decided = submitClaim(command, current.state, claim.state, holder);
      // Before anything is appended: an error edit (ClaimFailedScrub, 422) leaves both streams untouched.
      const claimEvents: ClaimSubmitted[] = decided.claimEvents.map((event) => vetter.original(event));
      const encounterEvents = decided.encounterEvents;
      const recordedAt = this.now();
      if (encounterEvents.length > 0) {
        const streamId = encounterStreamId(command.encounterId);
        const billed = await this.store.append(streamId, toNewEvents(encounterEvents, streamId, context, recordedAt), current.revision);
        this.folds.remember(streamId, appendedOnto(current, encounterEvents, evolveEncounter, billed.nextRevision, context.idempotencyKey), evolveEncounter);
      }
      const streamId = claimStreamId(command.claimId);
      const submitted = await this.store.append(streamId, toNewEvents(claimEvents, streamId, context, recordedAt), 'no_stream');
      const after = appendedOnto<ClaimState, ClaimEvent>(claim, claimEvents, evolveClaim, submitted.nextRevision, context.idempotencyKey);
      this.claims.appended(command.claimId, claim, after, submitted.position);
      return submitted.position;
    });
    if (position !== null) await this.runner.waitFor(position);
    return this.queries.claim(command.claimId);
  }

  /** Any other claim command: `decide` gets the claim as it stands and returns the events to append. */
  async run(claimId: string, context: CommandContext, decide: (claim: ClaimState) => readonly ClaimEvent[]): Promise<ClaimView> {
    const patientId = await this.patientOf(claimId);
    const outcome = await this.lock.run([patientLockKey(patientId)], () => {
      let base: Awaited<ReturnType<ClaimFolds['load']>> | undefined;
      return handleCommand(this.store, {
        streamId: claimStreamId(claimId),
        load: async () => (base = await this.claims.load(this.store, claimId)),
        decide,
        evolve: evolveClaim,
        context,
        now: () => this.clock.now(),
        onAppended: (after, position) => {
          if (base !== undefined) this.claims.appended(claimId, base, after, position);
        },
      });
    });
    if (outcome.position !== null) await this.runner.waitFor(outcome.position);
    return this.queries.claim(claimId);
  }

  /** A corrected claim goes out again: resubmitted, scrubbed and priced afresh as it now stands. */
  async resubmit(command: ResubmitClaim, context: CommandContext): Promise<ClaimView> {
    const { state } = await this.claims.load(this.store, command.claimId);
    if (state === null) throw new NotFound(`claim ${command.claimId} does not exist`);
    const vetter = await this.submissionChecks.forPayer(state.payerId);
    return this.run(command.claimId, context, (claim) =>
      resubmitClaim(command, claim).map((event) => (claim === null ? event : vetter.replacement(event, claim))),
    );
  }

  private async patientOf(claimId: string): Promise<string> {
    const patientId = await this.claims.patientOf(this.store, claimId);
    if (patientId === null) throw new NotFound(`claim ${claimId} does not exist`);
    return patientId;
  }
}
