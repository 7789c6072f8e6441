import { createHash, randomFillSync } from 'node:crypto';

/**
 * Event ids for one command. With an Idempotency-Key they are derived from it (a name-based,
 * version-5-style UUID), so a retried command produces the same ids and the store dedupes it.
 * Without one they are time-ordered (UUIDv7): consecutive events get neighbouring keys in the
 * store's unique id index, so an append dirties the index's last page instead of a random one.
 */
export const eventIdsFor = (idempotencyKey: string | undefined, streamId: string, count: number): string[] =>
  Array.from({ length: count }, (_, index) => (idempotencyKey === undefined ? timeOrderedUuid() : nameBasedUuid(`${idempotencyKey}\u0000${streamId}\u0000${index}`)));

export const nameBasedUuid = (name: string): string => {
  const bytes = createHash('sha1').update('billing-ledger/event-id\u0000').update(name).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  return formatUuid(bytes);
};

const formatUuid = (bytes: Buffer): string => {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

const RANDOM_POOL_IDS = 256;
const UUID_BYTES = 16;
const COUNTER_MAX = 0xfff;
const random = Buffer.alloc(RANDOM_POOL_IDS * UUID_BYTES);
let randomOffset = random.length;
let lastMs = 0;
let counter = 0;

/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter (method 1) so ids made in
 * the same millisecond still sort in creation order, then 62 random bits. Never goes backwards in
 * this process, even if the wall clock does.
 */
export const timeOrderedUuid = (nowMs: number = Date.now()): string => {
  if (nowMs > lastMs) {
    lastMs = nowMs;
    counter = 0;
  } else if (++counter > COUNTER_MAX) {
    lastMs += 1;
    counter = 0;
  }
  if (randomOffset === random.length) {
    randomFillSync(random);
    randomOffset = 0;
  }
  const bytes = Buffer.from(random.subarray(randomOffset, randomOffset + UUID_BYTES));
  randomOffset += UUID_BYTES;
  bytes.writeUIntBE(lastMs, 0, 6);
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  return formatUuid(bytes);
};
