import fs from 'node:fs';
import path from 'node:path';
import { canonicalJson, chainMetadata, eventHash, GENESIS_HASH, nextDigest } from '../../src/event-store/hash-chain';

/** The worked example of docs/audit.md: its inputs, and every number the document shows, recomputed here. */
const STREAM = 'encounter-enc-1';
const metadata = (command: string, recordedAt: string) => ({
  schemaVersion: 1,
  actor: 'biller.lee',
  correlationId: `c0ffee00-0000-4000-8000-00000000000${command}`,
  causationId: `c0ffee00-0000-4000-8000-00000000000${command}`,
  source: 'api',
  recordedAt,
});
const EVENTS = [
  {
    type: 'EncounterCoded',
    data: {
      encounterId: 'enc-1',
      patientId: 'pat-1',
      providerNpi: '1234567893',
      dateOfService: '2026-11-02',
      diagnoses: ['E11.9'],
      lines: [{ lineNumber: 1, procedureCode: '99213', modifiers: [], units: 1, chargeCents: 15000, diagnosisPointers: [1] }],
    },
    metadata: metadata('1', '2026-11-02T15:00:00.000Z'),
  },
  { type: 'EncounterBilled', data: { encounterId: 'enc-1', claimId: 'clm-1' }, metadata: metadata('2', '2026-11-03T09:30:00.000Z') },
];

const doc = fs.readFileSync(path.resolve(__dirname, '../../docs/audit.md'), 'utf8');
const chained = chainMetadata(STREAM, 0, GENESIS_HASH, EVENTS.map((e) => ({ ...e, canonicalData: canonicalJson(e.data) })));
const canonical = chained.map((m, revision) => {
  const { hash: _hash, ...withoutHash } = m;
  const event = EVENTS[revision]!;
  return canonicalJson({ streamId: STREAM, revision, type: event.type, data: event.data, metadata: withoutHash, prevHash: withoutHash['prevHash'] });
});
const hashes = chained.map((m) => String(m['hash']));
const digest1 = nextDigest(GENESIS_HASH, hashes[0]!);
const digest2 = nextDigest(digest1, hashes[1]!);

describe('docs/audit.md worked example', () => {
  it('shows the canonical JSON of both events exactly as the code encodes them', () => {
    for (const text of canonical) expect(doc).toContain(text);
  });

  it('shows each event hash, and the second event links to the first', () => {
    expect(chained[0]!['prevHash']).toBe(GENESIS_HASH);
    expect(chained[1]!['prevHash']).toBe(hashes[0]);
    hashes.forEach((hash, revision) => {
      expect(doc).toContain(`hash(${revision}) = ${hash}`);
      expect(eventHash({ streamId: STREAM, revision, type: EVENTS[revision]!.type, data: EVENTS[revision]!.data, metadata: chained[revision]! })).toBe(hash);
    });
  });

  it('shows the ledger digest after each event', () => {
    expect(doc).toContain(`digest(1) = ${digest1}`);
    expect(doc).toContain(`digest(2) = ${digest2}`);
  });

  it('would fail on a different hash (the check has teeth)', () => {
    expect(doc).not.toContain(`hash(0) = ${'1'.repeat(64)}`);
  });
});

