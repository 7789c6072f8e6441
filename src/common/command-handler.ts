import type { EventStore, NewEvent, Position, RecordedEvent } from '../event-store/event-store';
import type { CommandContext } from './command-context';
import { ConcurrencyConflict, PreconditionFailed } from './errors';
import { SCHEMA_VERSION, type EventMetadata, type EventSource } from './event';
import { eventIdsFor } from './event-ids';

/** A stream folded to its current state. `revision` is -1 for a stream with no events. */
export interface LoadedStream<State> {
  state: State;
  revision: number;
  /** Idempotency keys of commands already applied to this stream. */
  idempotencyKeys: ReadonlySet<string>;
}

export interface CommandOutcome<State> {
  state: State;
  revision: number;
  /** Global position to wait for before answering (read-your-writes); null when nothing was appended. */
  position: Position | null;
  appended: number;
}

/** Folds events onto an already loaded stream (from scratch: revision -1, no keys), collecting the idempotency keys of the commands applied. */
export const foldOnto = <State, Event extends DomainEvent>(
  start: LoadedStream<State>,
  events: readonly RecordedEvent[],
  evolve: (state: State, event: Event) => State,
): LoadedStream<State> => {
  const last = events[events.length - 1];
  if (last === undefined) return start;
  const keys = new Set(start.idempotencyKeys);
  let state = start.state;
  for (const event of events) {
    state = evolve(state, { type: event.type, data: event.data } as Event);
    if (event.metadata.idempotencyKey !== undefined) keys.add(event.metadata.idempotencyKey);
  }
  return { state, revision: last.revision, idempotencyKeys: keys };
};

/** The stream as it stands after `events` were appended to `loaded` under `key`, ending at `revision`. */
export const appendedOnto = <State, Event extends DomainEvent>(
  loaded: LoadedStream<State>,
  events: readonly Event[],
  evolve: (state: State, event: Event) => State,
  revision: number,
  key: string | undefined,
): LoadedStream<State> => ({
  state: events.reduce(evolve, loaded.state),
  revision,
  idempotencyKeys: key === undefined || loaded.idempotencyKeys.has(key) ? loaded.idempotencyKeys : new Set([...loaded.idempotencyKeys, key]),
});

export const emptyStream = <State>(initial: State): LoadedStream<State> => ({ state: initial, revision: -1, idempotencyKeys: new Set<string>() });

/** Reads a stream and folds it from `initial`, collecting the idempotency keys of the commands already applied. */
export const loadStream = async <State, Event extends DomainEvent>(
  store: EventStore,
  streamId: string,
  initial: State,
  evolve: (state: State, event: Event) => State,
): Promise<LoadedStream<State>> => foldOnto(emptyStream(initial), await store.readStream(streamId), evolve);

/** Retries after a lost optimistic race, when the caller did not pin a revision with If-Match. */
export const CONFLICT_RETRIES_MAX = 3;

type DomainEvent = { type: string; data: object };

/** The envelope metadata of every event one command appends. */
export const eventMetadata = (context: CommandContext, recordedAt: string, source: EventSource = context.source): EventMetadata => ({
  schemaVersion: SCHEMA_VERSION,
  actor: context.actor,
  correlationId: context.correlationId,
  causationId: context.commandId,
  ...(context.idempotencyKey !== undefined && { idempotencyKey: context.idempotencyKey }),
  source,
  recordedAt,
});

export const toNewEvents = (events: readonly DomainEvent[], streamId: string, context: CommandContext, recordedAt: string): NewEvent[] => {
  const ids = eventIdsFor(context.idempotencyKey, streamId, events.length);
  return events.map((event, index) => ({
    id: ids[index] as string,
    type: event.type,
    data: event.data,
    metadata: eventMetadata(context, recordedAt),
  }));
};

/**
 * The one command path: load and fold the stream, decide, append with the expected revision.
 * A command already applied under the same Idempotency-Key appends nothing and answers as before.
 */
export const handleCommand = async <State, Event extends DomainEvent>(
  store: EventStore,
  command: {
    streamId: string;
    load: () => Promise<LoadedStream<State>>;
    decide: (state: State) => readonly Event[];
    evolve: (state: State, event: Event) => State;
    context: CommandContext;
    now: () => Date;
    /** Told what the stream became once an append succeeded, so a cache of folds need not read it back. */
    onAppended?: (after: LoadedStream<State>, position: Position) => void;
  },
): Promise<CommandOutcome<State>> => {
  const { context } = command;
  for (let attempt = 0; ; attempt++) {
    const loaded = await command.load();
    if (context.idempotencyKey !== undefined && loaded.idempotencyKeys.has(context.idempotencyKey)) {
      return { state: loaded.state, revision: loaded.revision, position: null, appended: 0 };
    }
    if (context.expectedRevision !== undefined && context.expectedRevision !== loaded.revision) {
      throw new PreconditionFailed(`If-Match names revision ${context.expectedRevision}, but the stream is at ${loaded.revision}`);
    }
    const events = command.decide(loaded.state);
    if (events.length === 0) return { state: loaded.state, revision: loaded.revision, position: null, appended: 0 };
    const expected = loaded.revision < 0 ? 'no_stream' : loaded.revision;
    try {
      const result = await store.append(command.streamId, toNewEvents(events, command.streamId, context, command.now().toISOString()), expected);
      const after = appendedOnto(loaded, events, command.evolve, result.nextRevision, context.idempotencyKey);
      command.onAppended?.(after, result.position);
      return { state: after.state, revision: after.revision, position: result.position, appended: events.length };
    } catch (error) {
      if (!(error instanceof ConcurrencyConflict)) throw error;
      if (context.expectedRevision !== undefined) throw new PreconditionFailed(`the stream moved past revision ${context.expectedRevision}`);
      if (attempt >= CONFLICT_RETRIES_MAX) throw error;
    }
  }
};
