import { Inject, Injectable } from '@nestjs/common';
import { patientLockKey } from '../claims/claim-commands';
import { ClaimFolds } from '../claims/claim-folds';
import type { Claim } from '../claims/claim';
import type { PatientBalanceView } from '../claims/claim-view';
import { CLOCK, type Clock } from '../common/clock';
import type { CommandContext } from '../common/command-context';
import { handleCommand, loadStream, type LoadedStream } from '../common/command-handler';
import { FoldedStreams } from '../common/folded-streams';
import { KeyedLock } from '../common/keyed-lock';
import { EVENT_STORE, type EventStore } from '../event-store/event-store';
import { LedgerQueries } from '../projections/ledger-queries';
import { ProjectionRunner } from '../projections/projection-runner';
import { issuePatientRefund, type IssuePatientRefund } from './issue-refund/issue-refund';
import { evolvePatient, initialPatientState, patientStreamId, type Patient, type PatientEvent } from './patient';
import { receivePatientPayment, type ReceivePatientPayment } from './receive-payment/receive-payment';

type PatientWithClaims = { patient: Patient; claims: Map<string, Claim> };

/** Folds a patient's stream, through `folds` when given (the write side) so only new events are read. */
export const loadPatient = (store: EventStore, patientId: string, folds?: FoldedStreams): Promise<LoadedStream<Patient>> =>
  folds === undefined
    ? loadStream(store, patientStreamId(patientId), initialPatientState(patientId), evolvePatient)
    : folds.load(store, patientStreamId(patientId), initialPatientState(patientId), evolvePatient);

/** Patient money: payments allocated to the patient's claims and refunds, decided under the patient's lock. */
@Injectable()
export class PatientCommands {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly lock: KeyedLock,
    private readonly runner: ProjectionRunner,
    private readonly queries: LedgerQueries,
    private readonly folds: FoldedStreams,
    private readonly claimFolds: ClaimFolds,
  ) {}

  now(): string {
    return this.clock.now().toISOString();
  }

  receivePayment(command: ReceivePatientPayment, context: CommandContext): Promise<PatientBalanceView> {
    return this.run(command.patientId, command.allocations.map((a) => a.claimId), context, ({ patient, claims }) =>
      receivePatientPayment(command, patient, claims),
    );
  }

  issueRefund(command: IssuePatientRefund, context: CommandContext): Promise<PatientBalanceView> {
    const claimIds = command.claimId === undefined ? [] : [command.claimId];
    return this.run(command.patientId, claimIds, context, ({ patient, claims }) =>
      issuePatientRefund(command, patient, command.claimId === undefined ? null : (claims.get(command.claimId) ?? null)),
    );
  }

  private async run(
    patientId: string,
    claimIds: readonly string[],
    context: CommandContext,
    decide: (state: PatientWithClaims) => readonly PatientEvent[],
  ): Promise<PatientBalanceView> {
    const outcome = await this.lock.run([patientLockKey(patientId)], () =>
      handleCommand<PatientWithClaims, PatientEvent>(this.store, {
        streamId: patientStreamId(patientId),
        load: async () => {
          const loaded = await loadPatient(this.store, patientId, this.folds);
          const claims = new Map<string, Claim>();
          for (const claimId of claimIds) {
            const { state } = await this.claimFolds.load(this.store, claimId);
            if (state !== null) claims.set(claimId, state);
          }
          return { ...loaded, state: { patient: loaded.state, claims } };
        },
        decide,
        evolve: (state, event) => ({ ...state, patient: evolvePatient(state.patient, event) }),
        context,
        now: () => this.clock.now(),
        onAppended: (after) =>
          this.folds.remember(patientStreamId(patientId), { state: after.state.patient, revision: after.revision, idempotencyKeys: after.idempotencyKeys }, evolvePatient),
      }),
    );
    if (outcome.position !== null) await this.runner.waitFor(outcome.position);
    return this.queries.patientBalance(patientId);
  }
}
