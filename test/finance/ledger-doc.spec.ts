/**
 * docs/ledger.md shows the chart of accounts and the journal of one full claim lifecycle. This
 * spec drives that lifecycle through the real deciders, posts it, and checks the document's
 * tables line by line, so the example can never drift from the code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { balancesOf, evolveClaim, type Claim, type ClaimFoldEvent } from '../../src/claims/claim';
import { correctClaim } from '../../src/claims/correct-claim/correct-claim';
import { postRemittance } from '../../src/claims/post-remittance/post-remittance';
import { postWriteOff } from '../../src/claims/post-write-off/post-write-off';
import { receiveDenial } from '../../src/claims/receive-denial/receive-denial';
import { resubmitClaim } from '../../src/claims/resubmit-claim/resubmit-claim';
import { reverseRemittance } from '../../src/claims/reverse-remittance/reverse-remittance';
import { submitClaim } from '../../src/claims/submit-claim/submit-claim';
import { codeEncounter } from '../../src/encounters/code-encounter/code-encounter';
import { evolveEncounter, initialEncounterState } from '../../src/encounters/encounter';
import { CHART_OF_ACCOUNTS, accountOf, WRITE_OFF_ACCOUNTS } from '../../src/finance/chart-of-accounts';
import { postEvent, type JournalLine, type LedgerClaim } from '../../src/finance/journal';
import { TrialBalanceAccumulator } from '../../src/finance/trial-balance';
import { issuePatientRefund } from '../../src/patients/issue-refund/issue-refund';
import { evolvePatient, initialPatientState, type Patient, type PatientEvent } from '../../src/patients/patient';
import { receivePatientPayment } from '../../src/patients/receive-payment/receive-payment';

const DOC = path.resolve(__dirname, '..', '..', 'docs', 'ledger.md');

/** The lifecycle of docs/ledger.md, through the real deciders. */
const lifecycle = (): Array<{ streamId: string; event: ClaimFoldEvent }> => {
  const out: Array<{ streamId: string; event: ClaimFoldEvent }> = [];
  let claim: Claim | null = null;
  let patient: Patient = initialPatientState('pat-1');
  const add = (events: readonly ClaimFoldEvent[]): void => {
    for (const event of events) {
      const isPatient = event.type === 'PatientPaymentReceived' || event.type === 'PatientRefundIssued';
      out.push({ streamId: isPatient ? 'patient-pat-1' : 'claim-clm-1', event });
      claim = evolveClaim(claim, event);
      if (isPatient) patient = evolvePatient(patient, event as PatientEvent);
    }
  };
  const current = (): Claim => {
    if (claim === null) throw new Error('no claim yet');
    return claim;
  };
  const lines = [
    { lineNumber: 1, procedureCode: '99213', modifiers: ['25'], units: 1, chargeCents: 15_000, diagnosisPointers: [1, 2] },
    { lineNumber: 2, procedureCode: '93000', modifiers: [], units: 1, chargeCents: 5_000, diagnosisPointers: [2] },
  ];
  const encounter = codeEncounter(
    { encounterId: 'enc-1', patientId: 'pat-1', providerNpi: '1234567893', dateOfService: '2026-03-02', diagnoses: ['E11.9', 'I10'], lines },
    initialEncounterState,
  ).reduce(evolveEncounter, initialEncounterState);
  add(submitClaim({ claimId: 'clm-1', encounterId: 'enc-1', payerId: 'payer-acme', memberId: 'MBR123', submittedAt: '2026-03-03T09:00:00Z' }, encounter, null).claimEvents);
  add(receiveDenial({ claimId: 'clm-1', remittanceId: 'era-1', adjustments: [{ group: 'CO', reason: '16', amountCents: 20_000 }], remarks: ['N130'], receivedAt: '2026-03-20T00:00:00Z' }, current()));
  add(correctClaim({ claimId: 'clm-1', reason: 'ECG billed at the wrong fee', correctedAt: '2026-03-21T10:00:00Z', lines: [lines[0]!, { ...lines[1]!, chargeCents: 6_000 }] }, current()));
  add(resubmitClaim({ claimId: 'clm-1', resubmittedAt: '2026-03-21T11:00:00Z' }, current()));
  const remit = (remittanceId: string, line1PaidCents: number, line1ContractualCents: number, receivedAt: string) =>
    postRemittance(
      {
        claimId: 'clm-1',
        remittanceId,
        paidCents: line1PaidCents + 4_000,
        lines: [
          { lineNumber: 1, paidCents: line1PaidCents, adjustments: [{ group: 'CO', reason: '45', amountCents: line1ContractualCents }, { group: 'PR', reason: '2', amountCents: 2_000 }] },
          { lineNumber: 2, paidCents: 4_000, adjustments: [{ group: 'CO', reason: '45', amountCents: 2_000 }] },
        ],
        receivedAt,
      },
      current(),
    );
  add(remit('era-2', 8_000, 5_000, '2026-04-10T00:00:00Z'));
  add(reverseRemittance({ claimId: 'clm-1', remittanceId: 'era-2', reversedAt: '2026-04-24T00:00:00Z' }, current()));
  add(remit('era-3', 8_500, 4_500, '2026-05-08T00:00:00Z'));
  add(
    receivePatientPayment(
      { patientId: 'pat-1', paymentId: 'pay-1', amountCents: 2_500, method: 'card', receivedAt: '2026-05-20T15:00:00Z', allocations: [{ claimId: 'clm-1', amountCents: 1_500 }] },
      patient,
      new Map([['clm-1', current()]]),
    ),
  );
  add(issuePatientRefund({ patientId: 'pat-1', refundId: 'ref-1', amountCents: 1_000, issuedAt: '2026-05-22T00:00:00Z' }, patient, null));
  add(postWriteOff({ claimId: 'clm-1', amountCents: 500, from: 'patient', reason: 'small_balance', postedAt: '2026-06-30T00:00:00Z' }, current()));
  return out;
};

const posted = (): { lines: JournalLine[]; claim: LedgerClaim; trial: TrialBalanceAccumulator; types: string[] } => {
  const claims = new Map<string, LedgerClaim>();
  const book = { get: (id: string) => claims.get(id), set: (id: string, c: LedgerClaim) => void claims.set(id, c) };
  const trial = new TrialBalanceAccumulator();
  const lines: JournalLine[] = [];
  const events = lifecycle();
  events.forEach((e, i) => {
    for (const line of postEvent({ id: `e${i + 1}`, position: BigInt(i + 1), streamId: e.streamId, type: e.event.type, data: e.event.data, recordedAt: '2026-07-01T00:00:00Z' }, book)) {
      lines.push(line);
      trial.add(line);
    }
  });
  return { lines, claim: claims.get('clm-1')!, trial, types: events.map((e) => e.event.type) };
};

/** The rows of the markdown table between `<!-- name:start -->` and `<!-- name:end -->`, cells trimmed, header and rule dropped. */
const tableIn = (doc: string, name: string): string[][] => {
  const match = new RegExp(`<!-- ${name}:start -->([\\s\\S]*?)<!-- ${name}:end -->`).exec(doc);
  if (match === null) throw new Error(`docs/ledger.md has no ${name} table`);
  return (match[1] as string)
    .split('\n')
    .filter((l) => l.trim().startsWith('|'))
    .slice(2)
    .map((l) => l.trim().slice(1, -1).split('|').map((c) => c.trim()));
};

const cents = (n: number): string => (n === 0 ? '' : String(n));

/** The journal as docs/ledger.md renders it. */
export const renderJournal = (lines: readonly JournalLine[], types: readonly string[]): string[][] =>
  lines.map((l) => [String(l.position), types[Number(l.position) - 1] as string, `${l.account} ${accountOf(l.account).name}`, cents(l.debitCents), cents(l.creditCents), l.memo]);

describe('docs/ledger.md', () => {
  const doc = fs.readFileSync(DOC, 'utf8');

  it('lists every account of the chart with its name, type and normal side', () => {
    expect(tableIn(doc, 'chart-of-accounts').map((r) => r.slice(0, 4))).toEqual(CHART_OF_ACCOUNTS.map((a) => [a.code, a.name, a.type, a.normalSide]));
  });

  it('maps every write-off reason as the code does', () => {
    expect(tableIn(doc, 'write-off-accounts').map((r) => [r[0], r[1]])).toEqual(Object.entries(WRITE_OFF_ACCOUNTS).map(([reason, code]) => [`\`${reason}\``, `${code} ${accountOf(code).name}`]));
  });

  it("shows the example lifecycle's journal lines exactly as they are posted", () => {
    const { lines, types } = posted();
    expect(tableIn(doc, 'journal-example')).toEqual(renderJournal(lines, types));
  });

  it("shows the example's trial balance, and the claim it describes is settled as the doc says", () => {
    const { trial, claim } = posted();
    const rendered = trial.result().accounts.map((a) => [`${a.account} ${a.name}`, String(a.debitCents), String(a.creditCents), String(a.balanceCents)]);
    expect(tableIn(doc, 'trial-balance-example')).toEqual(rendered);
    const b = balancesOf(claim.claim.money);
    expect(claim.claim.status).toBe('closed');
    expect(b).toMatchObject({ chargesCents: 21_000, payerPaidCents: 12_500, contractualAdjustmentCents: 6_500, patientPaidCents: 1_500, writeOffCents: 500, balanceCents: 0 });
  });
});

if (process.env['PRINT_LEDGER_DOC'] !== undefined) {
  // Renders the example tables for the doc: PRINT_LEDGER_DOC=/tmp/out.md npx jest test/finance/ledger-doc.spec.ts
  const { lines, types, trial } = posted();
  const out = renderJournal(lines, types).map((row) => `| ${row.join(' | ')} |`);
  for (const a of trial.result().accounts) out.push(`| ${a.account} ${a.name} | ${a.debitCents} | ${a.creditCents} | ${a.balanceCents} |`);
  fs.writeFileSync(process.env['PRINT_LEDGER_DOC'], `${out.join('\n')}\n`);
}
