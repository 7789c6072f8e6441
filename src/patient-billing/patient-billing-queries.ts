import { Inject, Injectable } from '@nestjs/common';
import { balancesOf, claimStreamId } from '../claims/claim';
import { withinCutoff, type ReplayCutoff } from '../claims/claim-repository';
import { InvalidInput, NotFound } from '../common/errors';
import type { Cents } from '../common/money';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../event-store/event-store';
import { evolvePatient, initialPatientState, patientStreamId } from '../patients/patient';
import { READ_DATABASE } from '../projections/projections.module';
import { statement, type ReadDatabase } from '../projections/read-store';
import { planPaidCents, type PatientAccount, type PaymentPlan, type Placement } from './patient-account';
import { ageClaim, billingClaimOf, collectionsWorklist, summarizeAging, type AgedClaim, type AgingSummary, type BillingClaim, type CollectionsPolicy, type WorklistEntry } from './patient-aging';
import type { PlanInstallment, StatementIssued } from './patient-billing-events';
import { loadClaimsAtCutoff, loadPatientAccount, patientClaimIds, toPatientStreamEvent } from './patient-billing-repository';
import { buildPatientLedger, type LedgerEntry } from './patient-ledger';
import { renderStatementPdf } from './statement-pdf';

export const LEDGER_LIMIT_MAX = 500;
export const WORKLIST_LIMIT_MAX = 500;

export interface StatementSummary {
  statementId: string;
  statementDate: string;
  dueDate: string;
  asOf: string;
  issuedAt: string;
  claimCount: number;
  balanceCents: Cents;
  amountDueCents: Cents;
  pdf: string;
}

export interface InstallmentView extends PlanInstallment {
  /** Paid toward this installment: plan payments go to the oldest installment first. */
  paidCents: Cents;
  missed: boolean;
}

export interface PlanView {
  patientId: string;
  planId: string;
  status: PaymentPlan['status'];
  claimIds: string[];
  totalCents: Cents;
  paidCents: Cents;
  remainingCents: Cents;
  frequency: PaymentPlan['frequency'];
  missesToDefault: number;
  graceDays: number;
  agreedAt: string;
  missedInstallments: number[];
  installments: InstallmentView[];
  payments: PaymentPlan['payments'];
}

export interface PlacementView {
  patientId: string;
  placementId: string;
  agency: string;
  status: 'placed' | 'recalled';
  placedAt: string;
  recalledAt: string | null;
  placedCents: Cents;
  /** What the patient owes now on the placed claims (payments while placed post normally). */
  balanceCents: Cents;
  claims: Array<{ claimId: string; placedCents: Cents; patientBalanceCents: Cents }>;
}

const encodeCursor = (value: string): string => Buffer.from(value, 'utf8').toString('base64url');
const decodeCursor = (cursor: string): string => Buffer.from(cursor, 'base64url').toString('utf8');

/** A ledger cursor names a global position; anything else is not a cursor this API gave out (400). */
const positionOfCursor = (cursor: string): bigint => {
  const decoded = decodeCursor(cursor);
  if (!/^\d{1,19}$/.test(decoded)) throw new InvalidInput('cursor is not one this API gave out', [{ field: 'cursor', message: 'opaque' }]);
  return BigInt(decoded);
};

export const statementPdfPath = (patientId: string, statementId: string): string =>
  `/patients/${encodeURIComponent(patientId)}/statements/${encodeURIComponent(statementId)}.pdf`;

export const toPlanView = (patientId: string, plan: PaymentPlan): PlanView => {
  const paidCents = planPaidCents(plan);
  let left = paidCents;
  return {
    patientId,
    planId: plan.planId,
    status: plan.status,
    claimIds: plan.claimIds,
    totalCents: plan.totalCents,
    paidCents,
    remainingCents: Math.max(0, plan.totalCents - paidCents),
    frequency: plan.frequency,
    missesToDefault: plan.missesToDefault,
    graceDays: plan.graceDays,
    agreedAt: plan.agreedAt,
    missedInstallments: plan.missedInstallments,
    installments: plan.installments.map((installment) => {
      const paid = Math.max(0, Math.min(left, installment.amountCents));
      left -= paid;
      return { ...installment, paidCents: paid, missed: plan.missedInstallments.includes(installment.number) };
    }),
    payments: plan.payments,
  };
};

interface BillingRow {
  claim_id: string;
  patient_id: string;
  patient_balance_cents: number;
  date_of_service: string;
  first_statement_date: string | null;
  last_statement_date: string | null;
  statement_count: number;
  plan_id: string | null;
  placement_id: string | null;
  agency: string | null;
}

const toBillingClaim = (r: BillingRow): BillingClaim => ({
  claimId: r.claim_id,
  patientId: r.patient_id,
  dateOfService: r.date_of_service,
  patientBalanceCents: r.patient_balance_cents,
  firstStatementDate: r.first_statement_date,
  lastStatementDate: r.last_statement_date,
  statementCount: r.statement_count,
  planId: r.plan_id,
  placement: r.placement_id === null ? null : { placementId: r.placement_id, agency: r.agency ?? '' },
});

const BILLING_ROWS = `SELECT c.claim_id, c.patient_id, c.patient_balance_cents, json_extract(c.state, '$.dateOfService') AS date_of_service,
    b.first_statement_date, b.last_statement_date, COALESCE(b.statement_count, 0) AS statement_count, b.plan_id, b.placement_id, b.agency
  FROM claims c LEFT JOIN patient_billing_claims b ON b.claim_id = c.claim_id`;

/** Statements, plans, placements, the patient ledger, patient aging and the collections worklist. */
@Injectable()
export class PatientBillingQueries {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_DATABASE) private readonly db: ReadDatabase,
  ) {}

  /** The patient's account as it stands; 404 for a patient with no claims and nothing on their stream. */
  async account(patientId: string, cutoff?: ReplayCutoff): Promise<{ account: PatientAccount; records: RecordedEvent[]; claimIds: string[] }> {
    const [loaded, claimIds] = [await loadPatientAccount(this.store, patientId, cutoff), patientClaimIds(this.db, patientId)];
    if (loaded.revision < 0 && claimIds.length === 0) throw new NotFound(`patient ${patientId} has no claims or account activity`);
    return { account: loaded.state, records: loaded.records, claimIds };
  }

  /** Every patient with a claim, in id order (the statement run goes through them). */
  patientsWithClaims(): string[] {
    return (statement(this.db, 'SELECT DISTINCT patient_id FROM claims ORDER BY patient_id').all() as Array<{ patient_id: string }>).map((r) => r.patient_id);
  }

  async statements(patientId: string): Promise<{ patientId: string; statements: StatementSummary[] }> {
    const { records } = await this.account(patientId);
    const statements = records
      .filter((e) => e.type === 'StatementIssued')
      .map((e) => {
        const data = e.data as StatementIssued['data'];
        return {
          statementId: data.statementId,
          statementDate: data.statementDate,
          dueDate: data.dueDate,
          asOf: data.asOf,
          issuedAt: data.issuedAt,
          claimCount: data.claims.length,
          balanceCents: data.balanceCents,
          amountDueCents: data.amountDueCents,
          pdf: statementPdfPath(patientId, data.statementId),
        };
      });
    return { patientId, statements };
  }

  async statement(patientId: string, statementId: string): Promise<StatementIssued['data']> {
    const records = await this.store.readStream(patientStreamId(patientId));
    const found = records.find((e) => e.type === 'StatementIssued' && (e.data as StatementIssued['data']).statementId === statementId);
    if (!found) throw new NotFound(`patient ${patientId} has no statement ${statementId}`);
    return found.data as StatementIssued['data'];
  }

  async statementPdf(patientId: string, statementId: string): Promise<Buffer> {
    return renderStatementPdf(await this.statement(patientId, statementId));
  }

  async plans(patientId: string): Promise<{ patientId: string; plans: PlanView[] }> {
    const { account } = await this.account(patientId);
    return { patientId, plans: account.plans.map((plan) => toPlanView(patientId, plan)) };
  }

  async plan(patientId: string, planId: string): Promise<PlanView> {
    const { account } = await this.account(patientId);
    const plan = account.plans.find((p) => p.planId === planId);
    if (!plan) throw new NotFound(`patient ${patientId} has no payment plan ${planId}`);
    return toPlanView(patientId, plan);
  }

  async placements(patientId: string): Promise<{ patientId: string; placements: PlacementView[] }> {
    const { account } = await this.account(patientId);
    return { patientId, placements: account.placements.map((p) => this.toPlacementView(patientId, p)) };
  }

  async placement(patientId: string, placementId: string): Promise<PlacementView> {
    const { account } = await this.account(patientId);
    const placement = account.placements.find((p) => p.placementId === placementId);
    if (!placement) throw new NotFound(`patient ${patientId} has no collections placement ${placementId}`);
    return this.toPlacementView(patientId, placement);
  }

  /**
   * The patient ledger, replayed from the patient stream and the streams of the patient's claims.
   * Paged by event (an event's entries are never split); balances are those after the whole ledger.
   */
  async ledger(
    patientId: string,
    options: { cutoff?: ReplayCutoff & { asOf?: string }; after?: string; limit: number },
  ): Promise<{ patientId: string; asOf?: string; patientBalanceCents: Cents; insuranceBalanceCents: Cents; unallocatedCreditCents: Cents; entries: LedgerEntry[]; nextCursor?: string }> {
    const { records, claimIds } = await this.account(patientId, options.cutoff);
    const events: RecordedEvent[] = [...records];
    for (const claimId of claimIds) events.push(...(await this.store.readStream(claimStreamId(claimId))).filter((e) => withinCutoff(e, options.cutoff)));
    events.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
    const ledger = buildPatientLedger(patientId, events);
    const after = options.after === undefined ? -1n : positionOfCursor(options.after);
    const positions = [...new Set(ledger.entries.map((e) => e.position))].filter((p) => BigInt(p) > after);
    const page = new Set(positions.slice(0, options.limit));
    const entries = ledger.entries.filter((e) => page.has(e.position));
    const last = positions[Math.min(options.limit, positions.length) - 1];
    return {
      patientId,
      ...(options.cutoff?.asOf !== undefined && { asOf: options.cutoff.asOf }),
      patientBalanceCents: ledger.patientBalanceCents,
      insuranceBalanceCents: ledger.insuranceBalanceCents,
      unallocatedCreditCents: ledger.unallocatedCreditCents,
      entries,
      ...(positions.length > options.limit && last !== undefined && { nextCursor: encodeCursor(last) }),
    };
  }

  /** One patient's aging, replayed at the cut-off (or now) and counted in days to `today`. */
  async patientAging(
    patientId: string,
    today: string,
    cutoff?: ReplayCutoff & { asOf?: string },
  ): Promise<{ patientId: string; asOf?: string; agedOn: string; balanceCents: Cents; unallocatedCreditCents: Cents } & AgingSummary & { claims: AgedClaim[] }> {
    const { account, records, claimIds } = await this.account(patientId, cutoff);
    const credit = records.reduce((p, e) => evolvePatient(p, toPatientStreamEvent(e)), initialPatientState(patientId)).unallocatedCreditCents;
    const claims = (await loadClaimsAtCutoff(this.store, claimIds, cutoff))
      .map(({ claim }) => ({ claimId: claim.claimId, patientId, dateOfService: claim.dateOfService, patientBalanceCents: balancesOf(claim.money).patientBalanceCents }))
      .filter((c) => c.patientBalanceCents !== 0)
      .map((c) => ageClaim(billingClaimOf(account, c), today));
    const summary = summarizeAging(claims, credit);
    return {
      patientId,
      ...(cutoff?.asOf !== undefined && { asOf: cutoff.asOf }),
      agedOn: today,
      balanceCents: summary.totalCents,
      unallocatedCreditCents: credit,
      ...summary,
      claims,
    };
  }

  /** Every patient's balances aged by first statement date at `today`, from the read model. */
  agingSummary(today: string): { agedOn: string; patientCount: number } & AgingSummary {
    const rows = statement(this.db, `${BILLING_ROWS} WHERE c.patient_balance_cents <> 0 ORDER BY c.patient_id, c.claim_id`).all() as BillingRow[];
    const credit = (statement(this.db, 'SELECT COALESCE(SUM(unallocated_credit_cents), 0) AS cents FROM patient_accounts').get() as { cents: number }).cents;
    const claims = rows.map((r) => ageClaim(toBillingClaim(r), today));
    return { agedOn: today, patientCount: new Set(rows.map((r) => r.patient_id)).size, ...summarizeAging(claims, credit) };
  }

  /**
   * Patients with balances the policy says are ready for collections: billed at least
   * `minStatements` times, the first statement more than `olderThanDays` before `today`, on no
   * current plan, not placed. Paged by patient.
   */
  collectionsWorklist(policy: CollectionsPolicy, today: string, options: { limit: number; after?: string }): { agedOn: string; policy: CollectionsPolicy; patients: WorklistEntry[]; nextCursor?: string } {
    const rows = statement(
      this.db,
      `${BILLING_ROWS} WHERE c.patient_balance_cents > 0 AND b.plan_id IS NULL AND b.placement_id IS NULL AND b.statement_count >= @minStatements
         AND b.first_statement_date IS NOT NULL AND c.patient_id > @after
       ORDER BY c.patient_id, c.claim_id`,
    ).all({ minStatements: policy.minStatements, after: options.after === undefined ? '' : decodeCursor(options.after) }) as BillingRow[];
    const entries = collectionsWorklist(
      rows.map((r) => ageClaim(toBillingClaim(r), today)),
      policy,
    );
    const page = entries.slice(0, options.limit);
    const last = page[page.length - 1];
    return {
      agedOn: today,
      policy,
      patients: page,
      ...(entries.length > options.limit && last !== undefined && { nextCursor: encodeCursor(last.patientId) }),
    };
  }

  private toPlacementView(patientId: string, placement: Placement): PlacementView {
    const balances = new Map(
      (statement(this.db, 'SELECT claim_id, patient_balance_cents FROM claims WHERE patient_id = ?').all(patientId) as Array<{ claim_id: string; patient_balance_cents: number }>).map(
        (r) => [r.claim_id, r.patient_balance_cents],
      ),
    );
    const claims = placement.claims.map((c) => ({ claimId: c.claimId, placedCents: c.amountCents, patientBalanceCents: balances.get(c.claimId) ?? 0 }));
    return {
      patientId,
      placementId: placement.placementId,
      agency: placement.agency,
      status: placement.recalledAt === null ? 'placed' : 'recalled',
      placedAt: placement.placedAt,
      recalledAt: placement.recalledAt,
      placedCents: placement.placedCents,
      balanceCents: claims.reduce((sum, c) => sum + c.patientBalanceCents, 0),
      claims,
    };
  }
}
