import type { EventSource } from './event';

/** Who issues a command and how: everything the edge knows that ends up in event metadata. */
export interface CommandContext {
  actor: string;
  correlationId: string;
  /** Id of this command; every event it appends names it as its cause. */
  commandId: string;
  source: EventSource;
  idempotencyKey?: string;
  /** The claim revision the caller last saw (`If-Match`); a mismatch is a 412. */
  expectedRevision?: number;
}
