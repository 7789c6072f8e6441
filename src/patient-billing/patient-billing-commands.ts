import { Inject, Injectable } from '@nestjs/common';
import { balancesOf } from '../claims/claim';
import { patientLockKey } from '../claims/claim-commands';
import { CLOCK, type Clock } from '../common/clock';
import type { CommandContext } from '../common/command-context';
import { handleCommand } from '../common/command-handler';
import { KeyedLock } from '../common/keyed-lock';
import { EVENT_STORE, type EventStore } from '../event-store/event-store';
import { patientStreamId } from '../patients/patient';
import { ProjectionRunner } from '../projections/projection-runner';
import { READ_DATABASE } from '../projections/projections.module';
import type { ReadDatabase } from '../projections/read-store';
import { agreePaymentPlan, type AgreePaymentPlan } from './agree-payment-plan/agree-payment-plan';
import { evaluatePaymentPlan } from './evaluate-payment-plan/evaluate-payment-plan';
import { defaultStatementId, issueStatement } from './issue-statement/issue-statement';
import { evolvePatientAccount, type PatientAccount } from './patient-account';
import type { PatientBillingEvent, PlanFrequency, StatementIssued } from './patient-billing-events';
import { PATIENT_BILLING_POLICY, type PatientBillingPolicy } from './patient-billing.config';
import { PatientBillingQueries, type PlacementView, type PlanView } from './patient-billing-queries';
import { loadClaims, loadClaimsAtCutoff, loadPatientAccount, patientClaimIds, recordedPatientEvents, type LoadedPatientAccount } from './patient-billing-repository';
import { placeWithCollections, type PlaceWithCollections } from './place-with-collections/place-with-collections';
import { recallFromCollections, type RecallFromCollections } from './recall-from-collections/recall-from-collections';

interface BillingState<Extra> {
  account: PatientAccount;
  extra: Extra;
}

export interface IssueStatementInput {
  patientId: string;
  statementId?: string;
  /** The cut-off instant; default now. */
  asOf?: string;
  dueDate?: string;
  issuedAt?: string;
}

export interface AgreePaymentPlanInput {
  patientId: string;
  planId: string;
  claimIds: string[];
  totalCents?: number;
  installmentCount: number;
  firstDueDate: string;
  frequency: PlanFrequency;
  missesToDefault?: number;
  graceDays?: number;
  agreedAt?: string;
}

/**
 * Statements, payment plans and collections: each command folds the patient stream into the
 * billing account, loads the claims it rules on, decides, and appends to the patient stream under
 * the patient's lock (the same lock patient payments and claim commands take).
 */
@Injectable()
export class PatientBillingCommands {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(READ_DATABASE) private readonly db: ReadDatabase,
    @Inject(PATIENT_BILLING_POLICY) private readonly policy: PatientBillingPolicy,
    private readonly lock: KeyedLock,
    private readonly runner: ProjectionRunner,
    private readonly queries: PatientBillingQueries,
  ) {}

  now(): string {
    return this.clock.now().toISOString();
  }

  async issueStatement(input: IssueStatementInput, context: CommandContext): Promise<StatementIssued['data']> {
    const now = this.now();
    const asOf = input.asOf ?? now;
    const statementId = input.statementId ?? defaultStatementId(asOf);
    await this.run(
      input.patientId,
      context,
      async (loaded) => ({
        claims: await loadClaimsAtCutoff(this.store, patientClaimIds(this.db, input.patientId), { recordedAt: asOf }),
        patientEvents: recordedPatientEvents(loaded.records),
      }),
      ({ account, extra }) =>
        issueStatement(
          {
            patientId: input.patientId,
            statementId,
            asOf,
            issuedAt: input.issuedAt ?? now,
            now,
            ...(input.dueDate !== undefined && { dueDate: input.dueDate }),
          },
          account,
          extra,
        ),
    );
    return this.queries.statement(input.patientId, statementId);
  }

  async agreePaymentPlan(input: AgreePaymentPlanInput, context: CommandContext): Promise<PlanView> {
    const command: AgreePaymentPlan = {
      patientId: input.patientId,
      planId: input.planId,
      claimIds: input.claimIds,
      installmentCount: input.installmentCount,
      firstDueDate: input.firstDueDate,
      frequency: input.frequency,
      // The practice's default, but never more misses than there are installments.
      missesToDefault: input.missesToDefault ?? Math.max(1, Math.min(this.policy.missesToDefault, input.installmentCount)),
      graceDays: input.graceDays ?? this.policy.graceDays,
      agreedAt: input.agreedAt ?? this.now(),
      ...(input.totalCents !== undefined && { totalCents: input.totalCents }),
    };
    await this.run(
      input.patientId,
      context,
      () => loadClaims(this.store, input.claimIds),
      ({ account, extra }) => agreePaymentPlan(command, account, extra),
    );
    return this.queries.plan(input.patientId, input.planId);
  }

  /** Judges the plan at `asOf` (default now) and appends what that finds: misses, a default, a completion. */
  async evaluatePaymentPlan(
    input: { patientId: string; planId: string; asOf?: string },
    context: CommandContext,
  ): Promise<{ plan: PlanView; appended: Array<PatientBillingEvent['type']> }> {
    const now = this.now();
    let appended: Array<PatientBillingEvent['type']> = [];
    await this.run(
      input.patientId,
      context,
      async (loaded) => {
        const plan = loaded.state.plans.find((p) => p.planId === input.planId);
        const claims = await loadClaims(this.store, plan?.claimIds ?? []);
        return [...claims.values()].reduce((sum, claim) => sum + balancesOf(claim.money).patientBalanceCents, 0);
      },
      ({ account, extra }) => {
        const events = evaluatePaymentPlan({ patientId: input.patientId, planId: input.planId, asOf: input.asOf ?? now, now }, account, extra);
        appended = events.map((e) => e.type);
        return events;
      },
    );
    return { plan: await this.queries.plan(input.patientId, input.planId), appended };
  }

  async placeWithCollections(command: Omit<PlaceWithCollections, 'placedAt'> & { placedAt?: string }, context: CommandContext): Promise<PlacementView> {
    const full: PlaceWithCollections = { ...command, placedAt: command.placedAt ?? this.now() };
    await this.run(
      command.patientId,
      context,
      () => loadClaims(this.store, command.claimIds),
      ({ account, extra }) => placeWithCollections(full, account, extra),
    );
    return this.queries.placement(command.patientId, command.placementId);
  }

  async recallFromCollections(command: Omit<RecallFromCollections, 'recalledAt'> & { recalledAt?: string }, context: CommandContext): Promise<PlacementView> {
    const full: RecallFromCollections = { ...command, recalledAt: command.recalledAt ?? this.now() };
    await this.run(
      command.patientId,
      context,
      async () => null,
      ({ account }) => recallFromCollections(full, account),
    );
    return this.queries.placement(command.patientId, command.placementId);
  }

  private async run<Extra>(
    patientId: string,
    context: CommandContext,
    loadExtra: (loaded: LoadedPatientAccount) => Promise<Extra>,
    decide: (state: BillingState<Extra>) => readonly PatientBillingEvent[],
  ): Promise<void> {
    const outcome = await this.lock.run([patientLockKey(patientId)], () =>
      handleCommand<BillingState<Extra>, PatientBillingEvent>(this.store, {
        streamId: patientStreamId(patientId),
        load: async () => {
          const loaded = await loadPatientAccount(this.store, patientId);
          return { ...loaded, state: { account: loaded.state, extra: await loadExtra(loaded) } };
        },
        decide,
        evolve: (state, event) => ({ ...state, account: evolvePatientAccount(state.account, event) }),
        context,
        now: () => this.clock.now(),
      }),
    );
    if (outcome.position !== null) await this.runner.waitFor(outcome.position);
  }
}
