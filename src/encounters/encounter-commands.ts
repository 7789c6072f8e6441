import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../common/clock';
import type { CommandContext } from '../common/command-context';
import { handleCommand, loadStream, type LoadedStream } from '../common/command-handler';
import { NotFound } from '../common/errors';
import { FoldedStreams } from '../common/folded-streams';
import { EVENT_STORE, type EventStore } from '../event-store/event-store';
import { ProjectionRunner } from '../projections/projection-runner';
import { codeEncounter, type CodeEncounter } from './code-encounter/code-encounter';
import { encounterStreamId, evolveEncounter, initialEncounterState, type Encounter, type EncounterState } from './encounter';

/** Folds an encounter, through `folds` when given (the write side) so only new events are read. */
export const loadEncounter = (store: EventStore, encounterId: string, folds?: FoldedStreams): Promise<LoadedStream<EncounterState>> =>
  folds === undefined
    ? loadStream(store, encounterStreamId(encounterId), initialEncounterState, evolveEncounter)
    : folds.load(store, encounterStreamId(encounterId), initialEncounterState, evolveEncounter);

@Injectable()
export class EncounterCommands {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly runner: ProjectionRunner,
    private readonly folds: FoldedStreams,
  ) {}

  async code(command: CodeEncounter, context: CommandContext): Promise<Encounter> {
    const outcome = await handleCommand(this.store, {
      streamId: encounterStreamId(command.encounterId),
      load: () => loadEncounter(this.store, command.encounterId, this.folds),
      decide: (state) => codeEncounter(command, state),
      evolve: evolveEncounter,
      context,
      now: () => this.clock.now(),
      onAppended: (after) => this.folds.remember(encounterStreamId(command.encounterId), after, evolveEncounter),
    });
    if (outcome.position !== null) await this.runner.waitFor(outcome.position);
    return outcome.state as Encounter;
  }

  async get(encounterId: string): Promise<Encounter> {
    const { state } = await loadEncounter(this.store, encounterId);
    if (state === null) throw new NotFound(`encounter ${encounterId} does not exist`);
    return state;
  }
}
