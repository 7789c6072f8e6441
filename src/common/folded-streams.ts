import type { EventStore } from '../event-store/event-store';
import { emptyStream, foldOnto, type LoadedStream } from './command-handler';
import { LruMap } from './lru-map';

/** Streams whose folded state stays in memory by default; past this the least recently used is dropped and re-read in full when needed. */
export const FOLDED_STREAMS_MAX = 20_000;

type Evolve<State, Event> = (state: State, event: Event) => State;

interface Folded {
  loaded: LoadedStream<unknown>;
  /** The fold it was built with: a stream read with another fold is folded afresh. */
  evolve: unknown;
}

/**
 * Folded streams kept in memory, so a command reads only the events appended since its stream was
 * last folded instead of the whole stream. The store is still asked every time, so events appended
 * by another process count. States are immutable (every evolve returns a new state), which is what
 * makes handing out a cached fold safe.
 */
export class FoldedStreams {
  private readonly cache: LruMap<string, Folded>;

  constructor(capacity: number = FOLDED_STREAMS_MAX) {
    this.cache = new LruMap(capacity);
  }

  async load<State, Event extends { type: string; data: object }>(
    store: EventStore,
    streamId: string,
    initial: State,
    evolve: Evolve<State, Event>,
  ): Promise<LoadedStream<State>> {
    const cached = this.cache.get(streamId);
    const start = cached !== undefined && cached.evolve === evolve ? (cached.loaded as LoadedStream<State>) : emptyStream(initial);
    const loaded = foldOnto(start, await store.readStream(streamId, { fromRevision: start.revision + 1 }), evolve);
    this.remember(streamId, loaded, evolve);
    return loaded;
  }

  /** Keeps a fold this process knows to be the stream as stored (what a command appended onto what it loaded). */
  remember<State, Event>(streamId: string, loaded: LoadedStream<State>, evolve: Evolve<State, Event>): void {
    const latest = this.cache.get(streamId);
    if (loaded.revision >= 0 && (latest === undefined || latest.loaded.revision < loaded.revision)) {
      this.cache.set(streamId, { loaded, evolve });
    }
  }
}
