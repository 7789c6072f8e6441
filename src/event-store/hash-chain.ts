import { createHash } from 'node:crypto';

/**
 * Tamper evidence (docs/audit.md). Each event's metadata carries `prevHash` (the hash of the
 * previous event in its stream; 64 zeros for the first) and `hash`, SHA-256 over the canonical
 * JSON of {data, metadata without hash, prevHash, revision, streamId, type}. The ledger digest
 * chains every event hash in global order: digest(n) = SHA-256(digest(n-1) ‖ hash(n)).
 */
export const GENESIS_HASH = '0'.repeat(64);

export const HASH_ALGORITHM = 'billing-ledger/sha256-canonical-json/v1';

/**
 * Canonical JSON: object keys sorted by UTF-16 code unit (JavaScript's default sort), no
 * whitespace, strings and numbers exactly as JSON.stringify writes them, object members whose
 * value is undefined left out (as JSON.stringify does). Our events hold only strings, integers,
 * booleans, null, arrays and objects.
 */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`canonicalJson: ${typeof value} has no JSON form`);
    return text;
  }
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
};

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export interface HashedFields {
  streamId: string;
  revision: number;
  type: string;
  data: unknown;
  /** The event's metadata, including `prevHash`; any `hash` in it is ignored. */
  metadata: Record<string, unknown>;
}

/** The hash an event must carry, from what is stored. */
export const eventHash = (event: HashedFields): string => {
  const { hash: _ignored, ...metadata } = event.metadata;
  return sha256Hex(
    canonicalJson({
      streamId: event.streamId,
      revision: event.revision,
      type: event.type,
      data: event.data,
      metadata,
      prevHash: metadata['prevHash'],
    }),
  );
};

/** Chains events about to be appended after a stream's last hash: returns each one's metadata with prevHash and hash. */
export const chainMetadata = (
  streamId: string,
  firstRevision: number,
  previousHash: string,
  events: ReadonlyArray<{ type: string; data: unknown; metadata: Record<string, unknown> }>,
): Array<Record<string, unknown>> => {
  let prevHash = previousHash;
  return events.map((event, index) => {
    const { hash: _stale, ...rest } = event.metadata;
    const metadata: Record<string, unknown> = { ...rest, prevHash };
    const hash = eventHash({ streamId, revision: firstRevision + index, type: event.type, data: event.data, metadata });
    prevHash = hash;
    return { ...metadata, hash };
  });
};

/** One step of the ledger digest. */
export const nextDigest = (previousDigest: string, eventHashHex: string): string =>
  createHash('sha256').update(Buffer.from(previousDigest, 'hex')).update(Buffer.from(eventHashHex, 'hex')).digest('hex');
