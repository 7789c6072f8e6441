import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { digestFrom } from '../../src/audit/audit-package';
import { encounterCoded } from '../../src/claims/claim-fixtures';
import { exportLedger } from '../../src/cli/export';
import { loadConfig } from '../../src/common/config';
import type { EventMetadata } from '../../src/common/event';
import { GENESIS_HASH, HASH_ALGORITHM } from '../../src/event-store/hash-chain';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store';

const metadata = (recordedAt: string): EventMetadata => ({ schemaVersion: 1, actor: 'spec', correlationId: 'c', causationId: 'c', source: 'cli', recordedAt });

describe('billing-ledger export: the audit digest in the manifest', () => {
  it('is the digest at the snapshot position, when events recorded after the as-of are read among those before it', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bl-export-digest-'));
    try {
      const store = SqliteEventStore.open(path.join(dataDir, 'events.sqlite'));
      // Recorded at minutes 0, 1, 3, 1.5 and 4 (clocks of two writers a little apart); the as-of is minute 2.
      const minutes = [0, 1, 3, 1.5, 4];
      for (const [i, minute] of minutes.entries()) {
        const recordedAt = new Date(Date.UTC(2026, 0, 10, 12, 0, 0) + minute * 60_000).toISOString();
        await store.append(`encounter-e${i}`, [{ id: randomUUID(), ...encounterCoded({ encounterId: `e${i}` }), metadata: metadata(recordedAt) }], 'no_stream');
      }
      const config = loadConfig({ LEDGER_DATA_DIR: dataDir, EVENT_STORE: 'sqlite', AUTH: 'off' });
      await store.close();
      const { manifest } = await exportLedger(config, { asOf: '2026-01-10T12:02:00.000Z', out: path.join(dataDir, 'out') });
      expect(manifest).toMatchObject({ eventCount: 3, position: '4' });
      const reopened = SqliteEventStore.open(path.join(dataDir, 'events.sqlite'));
      const expected = await digestFrom(reopened, { position: 0n, digest: GENESIS_HASH }, 4n);
      await reopened.close();
      expect(manifest.auditDigest).toEqual({ algorithm: HASH_ALGORITHM, ...expected });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
