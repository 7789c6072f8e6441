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
 * booleans, null, arrays and objects. Any other value is written as JSON.stringify would write it
 * (toJSON is called; functions and symbols are left out of objects and null in arrays), so the
 * canonical JSON of an object equals that of JSON.parse(JSON.stringify(object)).
 */
export const canonicalJson = (value: unknown): string => {
  const text = canonical(value);
  if (text === undefined) throw new TypeError(`canonicalJson: ${typeof value} has no JSON form`);
  return text;
};

// Hand-rolled loops and string concatenation: this runs for every event appended and verified.
const canonical = (value: unknown): string | undefined => {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('canonicalJson: a bigint has no JSON form');
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return 'null';
  const toJson = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJson === 'function') return canonical((toJson as () => unknown).call(value));
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += canonical(value[i]) ?? 'null';
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  for (const key of keys) {
    const member = canonical(record[key]);
    if (member === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(key)}:${member}`;
  }
  return `${out}}`;
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

/**
 * The hash over {data, metadata, prevHash, revision, streamId, type} — those keys in their
 * canonical order — from the canonical JSON of data and of metadata (with prevHash, without hash).
 */
const hashOfCanonical = (streamId: string, revision: number, type: string, canonicalData: string, canonicalMetadata: string, prevHash: unknown): string => {
  const prev = prevHash === undefined ? '' : `"prevHash":${canonicalJson(prevHash)},`;
  return sha256Hex(
    `{"data":${canonicalData},"metadata":${canonicalMetadata},${prev}"revision":${canonicalJson(revision)},"streamId":${canonicalJson(streamId)},"type":${canonicalJson(type)}}`,
  );
};

/** The hash an event must carry, from what is stored. */
export const eventHash = (event: HashedFields): string => {
  const { hash: _ignored, ...metadata } = event.metadata;
  return hashOfCanonical(event.streamId, event.revision, event.type, canonicalJson(event.data), canonicalJson(metadata), metadata['prevHash']);
};

/**
 * Chains events about to be appended after a stream's last hash: returns each one's metadata with
 * prevHash and hash. `canonicalData` is the canonical JSON of each event's data.
 */
export const chainMetadata = (
  streamId: string,
  firstRevision: number,
  previousHash: string,
  events: ReadonlyArray<{ type: string; canonicalData: string; metadata: Record<string, unknown> }>,
): Array<Record<string, unknown>> => {
  let prevHash = previousHash;
  return events.map((event, index) => {
    const { hash: _stale, ...rest } = event.metadata;
    const metadata: Record<string, unknown> = { ...rest, prevHash };
    const hash = hashOfCanonical(streamId, firstRevision + index, event.type, event.canonicalData, canonicalJson(metadata), prevHash);
    prevHash = hash;
    return { ...metadata, hash };
  });
};

/** One step of the ledger digest. */
export const nextDigest = (previousDigest: string, eventHashHex: string): string =>
  createHash('sha256').update(Buffer.from(previousDigest, 'hex')).update(Buffer.from(eventHashHex, 'hex')).digest('hex');
