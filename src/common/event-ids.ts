import { createHash, randomUUID } from 'node:crypto';

/**
 * Event ids for one command. With an Idempotency-Key they are derived from it (a name-based,
 * version-5-style UUID), so a retried command produces the same ids and the store dedupes it.
 */
export const eventIdsFor = (idempotencyKey: string | undefined, streamId: string, count: number): string[] =>
  Array.from({ length: count }, (_, index) => (idempotencyKey === undefined ? randomUUID() : nameBasedUuid(`${idempotencyKey}\u0000${streamId}\u0000${index}`)));

export const nameBasedUuid = (name: string): string => {
  const bytes = createHash('sha1').update('billing-ledger/event-id\u0000').update(name).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
