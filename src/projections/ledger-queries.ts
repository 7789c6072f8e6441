import { loadClaim, toClaimFoldEvent, withinCutoff, type ReplayCutoff } from '../claims/claim-repository';
import { balancesOf, evolveClaim, initialClaimState, type Claim, type ClaimState, type ClaimStatus } from '../claims/claim';
import {
  patientBalanceView,
  payerBalanceView,
  toClaimView,
  type ClaimView,
  type PatientBalanceView,
  type PayerBalanceView,
} from '../claims/claim-view';
import { InvalidInput, NotFound } from '../common/errors';
import type { EventStore, RecordedEvent } from '../event-store/event-store';
import { evolvePatient, initialPatientState, patientStreamId, type PatientEvent } from '../patients/patient';
import { statement, type ReadDatabase } from './read-store';

export const LIST_LIMIT_MAX = 500;
export const HISTORY_LIMIT_MAX = 500;

export interface ClaimSummary {
  claimId: string;
  status: ClaimStatus;
  patientId: string;
  payerId: string;
  submissionCount: number;
  revision: number;
  payerBalanceCents: number;
  patientBalanceCents: number;
  balanceCents: number;
}

export interface HistoryEntry {
  position: string;
  revision: number;
  streamId: string;
  type: string;
  recordedAt: string;
  actor: string;
  correlationId: string;
  causationId: string;
  source: string;
  data: unknown;
  stateAfter: ClaimView | null;
}

const encodeCursor = (value: string): string => Buffer.from(value, 'utf8').toString('base64url');
const decodeCursor = (cursor: string): string => Buffer.from(cursor, 'base64url').toString('utf8');

/**
 * Every read the API and CLI answer. Current answers come from the projections; as-of answers
 * and histories are computed by replaying the events, never from a mutable copy.
 */
export class LedgerQueries {
  constructor(
    private readonly db: ReadDatabase,
    private readonly store: EventStore,
  ) {}

  claim(claimId: string): ClaimView {
    const row = statement(this.db, 'SELECT state, revision FROM claims WHERE claim_id = ?').get(claimId) as
      | { state: string; revision: number }
      | undefined;
    if (!row) throw new NotFound(`claim ${claimId} does not exist`);
    return toClaimView(JSON.parse(row.state) as Claim, row.revision);
  }

  async claimAsOf(claimId: string, cutoff: ReplayCutoff): Promise<ClaimView> {
    const loaded = await loadClaim(this.store, claimId, cutoff);
    if (loaded.state === null) throw new NotFound(`claim ${claimId} did not exist at that point`);
    return toClaimView(loaded.state, loaded.revision);
  }

  listClaims(filter: { status?: string; payerId?: string; patientId?: string; limit: number; cursor?: string }): {
    claims: ClaimSummary[];
    nextCursor?: string;
  } {
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: filter.limit + 1 };
    if (filter.status !== undefined) (where.push('status = @status'), (params['status'] = filter.status));
    if (filter.payerId !== undefined) (where.push('payer_id = @payerId'), (params['payerId'] = filter.payerId));
    if (filter.patientId !== undefined) (where.push('patient_id = @patientId'), (params['patientId'] = filter.patientId));
    if (filter.cursor !== undefined) (where.push('claim_id > @after'), (params['after'] = decodeCursor(filter.cursor)));
    const rows = statement(
      this.db,
      `SELECT claim_id, status, patient_id, payer_id, submission_count, revision, payer_balance_cents, patient_balance_cents, balance_cents
       FROM claims ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY claim_id LIMIT @limit`,
    ).all(params) as Array<Record<string, string | number>>;
    const page = rows.slice(0, filter.limit).map((r) => ({
      claimId: r['claim_id'] as string,
      status: r['status'] as ClaimStatus,
      patientId: r['patient_id'] as string,
      payerId: r['payer_id'] as string,
      submissionCount: r['submission_count'] as number,
      revision: r['revision'] as number,
      payerBalanceCents: r['payer_balance_cents'] as number,
      patientBalanceCents: r['patient_balance_cents'] as number,
      balanceCents: r['balance_cents'] as number,
    }));
    const last = page[page.length - 1];
    return rows.length > filter.limit && last ? { claims: page, nextCursor: encodeCursor(last.claimId) } : { claims: page };
  }

  claimDenials(claimId: string): { claimId: string; denials: unknown[] } {
    this.claim(claimId);
    const denials = statement(
      this.db,
      `SELECT remittance_id, submission_number, position, received_at, recorded_at, line_numbers, remarks, payer_claim_control_number, overturned
       FROM denials WHERE claim_id = ? ORDER BY position`,
    ).all(claimId) as Array<Record<string, string | number | null>>;
    const adjustments = statement(
      this.db,
      'SELECT remittance_id, adjustment_group, reason, amount_cents FROM denial_adjustments WHERE claim_id = ? ORDER BY remittance_id, seq',
    ).all(claimId) as Array<Record<string, string | number>>;
    return {
      claimId,
      denials: denials.map((d) => ({
        remittanceId: d['remittance_id'],
        submissionNumber: d['submission_number'],
        position: String(d['position']),
        receivedAt: d['received_at'],
        recordedAt: d['recorded_at'],
        lineNumbers: d['line_numbers'] === null ? null : JSON.parse(d['line_numbers'] as string),
        payerClaimControlNumber: d['payer_claim_control_number'],
        adjustments: adjustments
          .filter((a) => a['remittance_id'] === d['remittance_id'])
          .map((a) => ({ group: a['adjustment_group'], reason: a['reason'], amountCents: a['amount_cents'] })),
        remarks: JSON.parse(d['remarks'] as string),
        overturned: d['overturned'] === 1,
      })),
    };
  }

  /** Per payer and CARC: how many denials, how many cents, how many were later paid, and the contract dollars they put at risk. */
  denialAggregates(filter: { payerId?: string; reason?: string }): { aggregates: unknown[] } {
    const where: string[] = [];
    const params: Record<string, string> = {};
    if (filter.payerId !== undefined) (where.push('a.payer_id = @payerId'), (params['payerId'] = filter.payerId));
    if (filter.reason !== undefined) (where.push('a.reason = @reason'), (params['reason'] = filter.reason));
    const rows = statement(
      this.db,
      `SELECT a.payer_id, a.adjustment_group, a.reason,
              COUNT(DISTINCT a.claim_id || char(0) || a.remittance_id) AS denial_count,
              SUM(a.amount_cents) AS denied_cents,
              COUNT(DISTINCT CASE WHEN d.overturned = 1 THEN a.claim_id || char(0) || a.remittance_id END) AS overturned_count
       FROM denial_adjustments a JOIN denials d ON d.claim_id = a.claim_id AND d.remittance_id = a.remittance_id
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       GROUP BY a.payer_id, a.adjustment_group, a.reason ORDER BY a.payer_id, a.reason, a.adjustment_group`,
    ).all(params) as Array<Record<string, string | number>>;
    // Expected dollars at risk (docs/contracts-and-scrubbing.md): each denial counts once per CARC it carries, as denialCount does.
    const expected = statement(
      this.db,
      `SELECT g.payer_id, g.adjustment_group, g.reason,
              COUNT(d.expected_at_risk_cents) AS priced_count,
              COALESCE(SUM(d.expected_at_risk_cents), 0) AS expected_denied_cents,
              COALESCE(SUM(CASE WHEN d.overturned = 0 THEN d.expected_at_risk_cents END), 0) AS expected_at_risk_cents
       FROM (SELECT DISTINCT claim_id, remittance_id, payer_id, adjustment_group, reason FROM denial_adjustments) g
       JOIN denials d ON d.claim_id = g.claim_id AND d.remittance_id = g.remittance_id
       ${where.length > 0 ? `WHERE ${where.map((w) => w.replace(/^a\./, 'g.')).join(' AND ')}` : ''}
       GROUP BY g.payer_id, g.adjustment_group, g.reason`,
    ).all(params) as Array<Record<string, string | number>>;
    const expectedOf = new Map(expected.map((r) => [`${r['payer_id']}\u0000${r['adjustment_group']}\u0000${r['reason']}`, r]));
    return {
      aggregates: rows.map((r) => {
        const e = expectedOf.get(`${r['payer_id']}\u0000${r['adjustment_group']}\u0000${r['reason']}`);
        return {
          payerId: r['payer_id'],
          group: r['adjustment_group'],
          reason: r['reason'],
          denialCount: r['denial_count'],
          deniedCents: r['denied_cents'],
          overturnedCount: r['overturned_count'],
          pricedDenialCount: e?.['priced_count'] ?? 0,
          expectedDeniedCents: e?.['expected_denied_cents'] ?? 0,
          expectedAtRiskCents: e?.['expected_at_risk_cents'] ?? 0,
        };
      }),
    };
  }

  async patientBalance(patientId: string, cutoff?: ReplayCutoff & { asOf?: string }): Promise<PatientBalanceView> {
    const claimIds = (statement(this.db, 'SELECT claim_id FROM claims WHERE patient_id = ? ORDER BY claim_id').all(patientId) as Array<{
      claim_id: string;
    }>).map((r) => r.claim_id);
    const account = statement(this.db, 'SELECT unallocated_credit_cents FROM patient_accounts WHERE patient_id = ?').get(patientId) as
      | { unallocated_credit_cents: number }
      | undefined;
    if (claimIds.length === 0 && !account) throw new NotFound(`patient ${patientId} has no claims or payments`);
    if (cutoff === undefined) {
      const rows = statement(
        this.db,
        'SELECT claim_id, status, patient_balance_cents, state FROM claims WHERE patient_id = ? ORDER BY claim_id',
      ).all(patientId) as Array<{ claim_id: string; status: ClaimStatus; patient_balance_cents: number; state: string }>;
      return patientBalanceView(
        patientId,
        account?.unallocated_credit_cents ?? 0,
        rows.map((r) => ({
          claimId: r.claim_id,
          status: r.status,
          dateOfService: (JSON.parse(r.state) as Claim).dateOfService,
          patientBalanceCents: r.patient_balance_cents,
        })),
      );
    }
    const claims = await this.replayClaims(claimIds, cutoff);
    const patientEvents = (await this.store.readStream(patientStreamId(patientId))).filter((e) => withinCutoff(e, cutoff));
    const patient = patientEvents.reduce((s, e) => evolvePatient(s, toPatientEvent(e)), initialPatientState(patientId));
    const view = patientBalanceView(
      patientId,
      patient.unallocatedCreditCents,
      claims.map((c) => ({
        claimId: c.claimId,
        status: c.status,
        dateOfService: c.dateOfService,
        patientBalanceCents: balancesOf(c.money).patientBalanceCents,
      })),
    );
    return cutoff.asOf === undefined ? view : { ...view, asOf: cutoff.asOf };
  }

  async payerBalance(payerId: string, agingAsOf: Date, cutoff?: ReplayCutoff): Promise<PayerBalanceView> {
    const rows = statement(
      this.db,
      'SELECT claim_id, first_submitted_at, payer_balance_cents FROM claims WHERE payer_id = ? ORDER BY claim_id',
    ).all(payerId) as Array<{ claim_id: string; first_submitted_at: string; payer_balance_cents: number }>;
    if (rows.length === 0) throw new NotFound(`payer ${payerId} has no claims`);
    if (cutoff === undefined) {
      return payerBalanceView(
        payerId,
        agingAsOf,
        rows.map((r) => ({ firstSubmittedAt: r.first_submitted_at, payerBalanceCents: r.payer_balance_cents })),
      );
    }
    const claims = await this.replayClaims(
      rows.map((r) => r.claim_id),
      cutoff,
    );
    return payerBalanceView(
      payerId,
      agingAsOf,
      claims.map((c) => ({ firstSubmittedAt: c.firstSubmittedAt, payerBalanceCents: balancesOf(c.money).payerBalanceCents })),
    );
  }

  /** Every event that touched the claim, in global order, each with the claim as it stood after it. */
  async history(claimId: string, options: { cutoff?: ReplayCutoff; after?: string; limit: number }): Promise<{
    claimId: string;
    events: HistoryEntry[];
    nextCursor?: string;
  }> {
    const loaded = await loadClaim(this.store, claimId, options.cutoff);
    if (loaded.events.length === 0) throw new NotFound(`claim ${claimId} does not exist`);
    const decoded = options.after === undefined ? undefined : decodeCursor(options.after);
    if (decoded !== undefined && !/^\d{1,19}$/.test(decoded)) throw new InvalidInput('cursor is not one this API gave out', [{ field: 'cursor', message: 'opaque' }]);
    const after = decoded === undefined ? -1n : BigInt(decoded);
    let state: ClaimState = initialClaimState;
    let revision = -1;
    const entries: HistoryEntry[] = [];
    let more = false;
    for (const event of loaded.events) {
      state = evolveClaim(state, toClaimFoldEvent(event));
      if (event.streamId === loaded.events[0]?.streamId) revision = event.revision;
      if (event.position <= after) continue;
      if (entries.length === options.limit) {
        more = true;
        break;
      }
      entries.push({
        position: String(event.position),
        revision: event.revision,
        streamId: event.streamId,
        type: event.type,
        recordedAt: event.metadata.recordedAt,
        actor: event.metadata.actor,
        correlationId: event.metadata.correlationId,
        causationId: event.metadata.causationId,
        source: event.metadata.source,
        data: event.data,
        stateAfter: state === null ? null : toClaimView(state, revision),
      });
    }
    const last = entries[entries.length - 1];
    return more && last ? { claimId, events: entries, nextCursor: encodeCursor(last.position) } : { claimId, events: entries };
  }

  private async replayClaims(claimIds: readonly string[], cutoff: ReplayCutoff): Promise<Claim[]> {
    const claims: Claim[] = [];
    for (const claimId of claimIds) {
      const { state } = await loadClaim(this.store, claimId, cutoff);
      if (state !== null) claims.push(state);
    }
    return claims;
  }
}

const toPatientEvent = (event: RecordedEvent): PatientEvent => ({ type: event.type, data: event.data }) as PatientEvent;
