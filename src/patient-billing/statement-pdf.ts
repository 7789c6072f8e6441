/**
 * Renders a StatementIssued as a PDF (pdfkit). Everything printed comes from the event, and the
 * document's info (creation date, hence pdfkit's file ID) is fixed from it too, so rendering the
 * same statement again gives the same bytes, not only the same text.
 */
import PDFDocument from 'pdfkit';
import { formatCents, procedureText } from './money-text';
import type { StatementClaim, StatementIssued } from './patient-billing-events';

type Statement = StatementIssued['data'];

/** Characters in one fixed-width (Courier 9 pt) line of the letter page between the margins. */
const LINE_WIDTH_CHARS = 88;
const MARGIN_PT = 50;

/** A label and an amount on one fixed-width line, the amount right-aligned. */
const amountLine = (label: string, cents: number, indent = 2): string => {
  const amount = formatCents(cents);
  const room = LINE_WIDTH_CHARS - indent - amount.length - 1;
  const text = label.length > room ? `${label.slice(0, room - 3)}...` : label;
  return `${' '.repeat(indent)}${text.padEnd(room)} ${amount}`;
};

const claimLines = (claim: StatementClaim): string[] => {
  const lines = claim.procedures.map((p) => amountLine(`${procedureText(p)}`, p.chargeCents, 4));
  lines.push(amountLine('Charged', claim.chargesCents));
  lines.push(amountLine('Insurance paid', -claim.insurancePaidCents));
  lines.push(amountLine('Insurance adjusted (not owed by you)', -claim.insuranceAdjustedCents));
  if (claim.insurancePendingCents !== 0) lines.push(amountLine('Still with your insurance', -claim.insurancePendingCents));
  lines.push(amountLine('Your share (patient responsibility)', claim.patientResponsibilityCents));
  for (const share of claim.patientShares) lines.push(amountLine(`${share.label} (PR-${share.reason})`, share.amountCents, 4));
  lines.push(amountLine('Paid by you', -claim.patientPaidCents));
  if (claim.patientAdjustedCents !== 0) lines.push(amountLine('Adjusted on your account', -claim.patientAdjustedCents));
  lines.push(amountLine('Balance for this visit', claim.patientBalanceCents));
  if (claim.paymentPlanId !== null) lines.push(`  On payment plan ${claim.paymentPlanId}`);
  return lines;
};

/** The statement as PDF bytes; the same statement always gives the same bytes. */
export const renderStatementPdf = (statement: Statement): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const issued = new Date(statement.issuedAt);
    const doc = new PDFDocument({
      size: 'LETTER',
      margin: MARGIN_PT,
      // Fixed from the statement: pdfkit derives the file ID from these, so no clock leaks into the bytes.
      info: {
        Title: `Statement ${statement.statementId}`,
        Subject: `Patient ${statement.patientId}`,
        Author: 'billing-ledger',
        Creator: 'billing-ledger',
        Producer: 'billing-ledger',
        CreationDate: issued,
        ModDate: issued,
      },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);

    const heading = (text: string, size = 12): void => {
      doc.moveDown(0.6).font('Helvetica-Bold').fontSize(size).text(text);
    };
    const mono = (lines: readonly string[]): void => {
      doc.font('Courier').fontSize(9);
      for (const line of lines) doc.text(line);
    };

    doc.font('Helvetica-Bold').fontSize(18).text('Patient statement');
    doc.font('Helvetica').fontSize(10);
    doc.text(`Patient: ${statement.patientId}`);
    doc.text(`Statement: ${statement.statementId}   Statement date: ${statement.statementDate}   Due date: ${statement.dueDate}`);
    doc.text(`Account activity through ${statement.asOf}`);
    heading(`Amount due: ${formatCents(statement.amountDueCents)} by ${statement.dueDate}`, 14);
    if (statement.previousStatement !== null) {
      const p = statement.previousStatement;
      doc.font('Helvetica').fontSize(10).text(`Previous statement ${p.statementId} dated ${p.statementDate}: ${formatCents(p.amountDueCents)} was due`);
    }

    heading('Your visits');
    for (const claim of statement.claims) {
      doc.moveDown(0.4).font('Helvetica-Bold').fontSize(10).text(`Date of service ${claim.dateOfService} - claim ${claim.claimId} - insurance ${claim.payerId}`);
      mono(claimLines(claim));
    }

    heading('Payments received since your last statement');
    mono(
      statement.paymentsReceived.length === 0
        ? ['  None']
        : statement.paymentsReceived.map((p) => amountLine(`${p.receivedAt.slice(0, 10)}  ${p.paymentId} (${p.method})`, -p.amountCents)),
    );
    if (statement.refundsIssued.length > 0) {
      heading('Refunds issued to you');
      mono(statement.refundsIssued.map((r) => amountLine(`${r.issuedAt.slice(0, 10)}  ${r.refundId}`, r.amountCents)));
    }
    if (statement.paymentPlans.length > 0) {
      heading('Payment plans');
      mono(
        statement.paymentPlans.flatMap((plan) => [
          `  Plan ${plan.planId}: ${formatCents(plan.paidCents)} paid of ${formatCents(plan.totalCents)}${plan.nextDueDate === null ? '' : `, next installment due ${plan.nextDueDate}`}`,
          amountLine('Installments due by the due date', plan.installmentDueCents, 4),
        ]),
      );
    }

    heading('Summary');
    mono([
      amountLine('Balance of your visits', statement.balanceCents + statement.unallocatedCreditCents),
      amountLine('Credit on your account', -statement.unallocatedCreditCents),
      amountLine('Account balance', statement.balanceCents),
      amountLine(`AMOUNT DUE by ${statement.dueDate}`, statement.amountDueCents),
    ]);
    doc.end();
  });
