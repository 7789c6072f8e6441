/** An event as the domain sees it: a past-tense fact in billing language, plain data. */
export type Event<Type extends string, Data extends object> = Readonly<{ type: Type; data: Readonly<Data> }>;

/** Where a command came from; recorded on every event it produced. */
export type EventSource = 'api' | 'cli' | 'import';

/** Who did what, when, and in answer to what: the envelope metadata of every stored event. */
export interface EventMetadata {
  schemaVersion: number;
  actor: string;
  /** Shared by every event one command appends. */
  correlationId: string;
  /** The command (or event) that caused this event. */
  causationId: string;
  idempotencyKey?: string;
  source: EventSource;
  /** When the ledger recorded the event (ISO 8601 UTC); as-of queries go by this. */
  recordedAt: string;
  /** Hash of the previous event in the stream (64 zeros for the first); set by the store's append. */
  prevHash?: string;
  /** SHA-256 of this event's canonical form (docs/audit.md); set by the store's append. */
  hash?: string;
}

export const SCHEMA_VERSION = 1;
