import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLAIM_ID, OTHER_CLAIM_ID, PATIENT_ID } from '../claims/claim-fixtures';
import type { RecordedEvent } from '../event-store/event-store';
import { openReadDatabase, type ReadDatabase } from '../projections/read-store';
import { placed, planAgreed, planDefaulted, recalled, statementClaim, statementIssued } from '../../test/patient-billing/fixtures';
import { patientBillingProjection } from './patient-billing.projection';

const recordedEvents = (events: ReadonlyArray<{ type: string; data: object }>): RecordedEvent[] =>
  events.map((event, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    type: event.type,
    streamId: `patient-${PATIENT_ID}`,
    revision: i,
    position: BigInt(i + 1),
    data: event.data,
    metadata: { schemaVersion: 1, actor: 'spec', correlationId: 'c', causationId: 'c', source: 'cli', recordedAt: '2025-06-01T00:00:00.000Z' },
  }));

const rows = (db: ReadDatabase) => db.prepare('SELECT * FROM patient_billing_claims ORDER BY claim_id').all();

describe('patientBillingProjection (real SQLite file)', () => {
  let dir: string;
  let db: ReadDatabase;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bl-pb-projection-'));
    db = openReadDatabase(path.join(dir, 'read.sqlite'));
    patientBillingProjection.setup(db);
  });

  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const apply = (events: readonly RecordedEvent[]) => db.transaction(() => events.filter((e) => patientBillingProjection.handles.has(e.type)).forEach((e) => patientBillingProjection.apply(db, e)))();

  const lifecycle = recordedEvents([
    statementIssued({ claims: [statementClaim(), statementClaim({ claimId: OTHER_CLAIM_ID, patientBalanceCents: -300 })] }),
    statementIssued({ statementId: 'stmt-2', statementDate: '2025-05-31', asOf: '2025-05-31T23:59:59.999Z' }),
    planAgreed(),
    planDefaulted(),
    placed(),
  ]);

  it('keeps per claim: statements that billed it, its current plan, its placement', () => {
    apply(lifecycle);
    expect(rows(db)).toEqual([
      {
        claim_id: CLAIM_ID,
        patient_id: PATIENT_ID,
        first_statement_date: '2025-04-30',
        last_statement_date: '2025-05-31',
        statement_count: 2,
        plan_id: null,
        placement_id: 'plc-1',
        agency: 'Acme Recovery LLC',
      },
    ]);
    apply(recordedEvents([recalled()]));
    expect(rows(db)).toEqual([expect.objectContaining({ claim_id: CLAIM_ID, placement_id: null, agency: null })]);
  });

  it('a plan stands on its claims until it defaults or completes', () => {
    apply(lifecycle.slice(0, 3));
    expect(rows(db)).toEqual([expect.objectContaining({ plan_id: 'plan-1' })]);
  });

  it('drop and replay give the same rows (rebuildable)', () => {
    apply(lifecycle);
    const live = rows(db);
    patientBillingProjection.drop(db);
    patientBillingProjection.setup(db);
    apply(lifecycle);
    expect(rows(db)).toEqual(live);
  });
});
