import fc from 'fast-check';
import { canonicalJson, chainMetadata, eventHash, GENESIS_HASH } from './hash-chain';

const jsonish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** The definition in docs/audit.md, written plainly (the implementation is written for speed). */
const plainCanonical = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(plainCanonical).join(',')}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${plainCanonical(record[key])}`)
    .join(',')}}`;
};

describe('canonicalJson', () => {
  it('writes any object exactly as it writes JSON.parse(JSON.stringify(object))', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), jsonish, { maxKeys: 6 }), (object) => {
        const reparsed: unknown = JSON.parse(JSON.stringify(object));
        expect(canonicalJson(object)).toBe(canonicalJson(reparsed));
        expect(canonicalJson(object)).toBe(plainCanonical(reparsed));
      }),
    );
  });

  it('has no form for undefined, functions or bigints', () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
    expect(() => canonicalJson(() => 1)).toThrow(TypeError);
    expect(() => canonicalJson({ amount: 1n })).toThrow(TypeError);
  });
});

describe('chainMetadata', () => {
  it('gives each event the hash that eventHash recomputes from the stored fields', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string(), jsonish, { maxKeys: 4 }), { minLength: 1, maxLength: 4 }), (datas) => {
        const events = datas.map((data) => ({ type: 'Specified', data: JSON.parse(JSON.stringify(data)) as unknown, metadata: { actor: 'spec' } }));
        const chained = chainMetadata('s-1', 0, GENESIS_HASH, events.map((e) => ({ ...e, canonicalData: canonicalJson(e.data) })));
        chained.forEach((metadata, revision) => {
          expect(metadata['hash']).toBe(eventHash({ streamId: 's-1', revision, type: 'Specified', data: events[revision]?.data, metadata }));
          expect(metadata['prevHash']).toBe(revision === 0 ? GENESIS_HASH : chained[revision - 1]?.['hash']);
        });
      }),
    );
  });
});
