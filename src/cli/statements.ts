import type { Command } from 'commander';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { systemClock, type Clock } from '../common/clock';
import type { LedgerConfig } from '../common/config';
import { loadConfig } from '../common/config';
import { isIsoDate } from '../common/dates';
import { DuplicateId, InvalidInput, RuleViolation } from '../common/errors';
import { parseCutoff } from '../common/query-params';
import { defaultStatementId } from '../patient-billing/issue-statement/issue-statement';
import type { StatementIssued } from '../patient-billing/patient-billing-events';
import { openLedgerContext } from './ledger-context';
import { progressBar } from './progress';

export const STATEMENTS_CSV = 'statements.csv';

const CSV_HEADER = ['patient_id', 'statement_id', 'statement_date', 'due_date', 'as_of', 'claim_count', 'balance_cents', 'amount_due_cents', 'file', 'sha256'];

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
const csvField = (value: string | number): string => {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** A file name from ids: anything but letters, digits, dot, dash and underscore becomes `_`. */
const safeFileName = (text: string): string => text.replace(/[^A-Za-z0-9._-]/g, '_');

export interface StatementRunResult {
  asOf: string;
  outDir: string;
  /** Statements appended by this run. */
  issued: number;
  /** Statements that existed already (same patient, same cut-off): rendered again, not issued twice. */
  existing: number;
  /** Patients who owed nothing at the cut-off. */
  skipped: number;
  files: string[];
  seconds: number;
}

/**
 * `billing-ledger statements --as-of ISO --out DIR`: for every patient who owed something at the
 * cut-off, issue a statement (StatementIssued, through the real command path) and render it to
 * `<patient>-<statement>.pdf`, then write `statements.csv`. The statement id comes from the
 * cut-off, so running it again issues nothing twice and writes the same files, byte for byte.
 */
export const issueStatementsToDirectory = async (
  config: LedgerConfig,
  options: { asOf: string; out: string; actor: string; dueDate?: string },
  clock: Clock = systemClock,
): Promise<StatementRunResult> => {
  const cutoff = parseCutoff(options.asOf, undefined)?.recordedAt;
  if (cutoff === undefined) throw new InvalidInput('--as-of is required');
  if (options.dueDate !== undefined && !isIsoDate(options.dueDate)) throw new InvalidInput(`--due-date must be a date YYYY-MM-DD, not ${options.dueDate}`);
  if (Date.parse(cutoff) > clock.now().getTime()) throw new InvalidInput(`--as-of ${options.asOf} is in the future: a statement shows what has happened`);
  const outDir = path.resolve(options.out);
  fs.mkdirSync(outDir, { recursive: true });
  const started = performance.now();
  const app = await openLedgerContext(config, clock);
  const [{ PatientBillingCommands }, { PatientBillingQueries }, { renderStatementPdf }] = await Promise.all([
    import('../patient-billing/patient-billing-commands'),
    import('../patient-billing/patient-billing-queries'),
    import('../patient-billing/statement-pdf'),
  ]);
  try {
    const commands = app.get(PatientBillingCommands);
    const queries = app.get(PatientBillingQueries);
    const statementId = defaultStatementId(cutoff);
    const patients = queries.patientsWithClaims();
    const bar = progressBar(`statements as of ${cutoff}`, patients.length);
    const result: StatementRunResult = { asOf: cutoff, outDir, issued: 0, existing: 0, skipped: 0, files: [], seconds: 0 };
    const rows: string[] = [CSV_HEADER.join(',')];
    for (const [index, patientId] of patients.entries()) {
      let statement: StatementIssued['data'];
      try {
        const commandId = randomUUID();
        statement = await commands.issueStatement(
          { patientId, statementId, asOf: cutoff, ...(options.dueDate !== undefined && { dueDate: options.dueDate }) },
          { actor: options.actor, correlationId: commandId, commandId, source: 'cli' },
        );
        result.issued += 1;
      } catch (error) {
        if (error instanceof DuplicateId && error.code === 'DUPLICATE_STATEMENT') {
          statement = await queries.statement(patientId, statementId);
          result.existing += 1;
        } else if (error instanceof RuleViolation && error.code === 'NOTHING_OWED') {
          result.skipped += 1;
          bar.update(index + 1);
          continue;
        } else throw error;
      }
      const pdf = await renderStatementPdf(statement);
      const file = `${safeFileName(patientId)}-${safeFileName(statement.statementId)}.pdf`;
      fs.writeFileSync(path.join(outDir, file), pdf);
      result.files.push(file);
      rows.push(
        [
          patientId,
          statement.statementId,
          statement.statementDate,
          statement.dueDate,
          statement.asOf,
          statement.claims.length,
          statement.balanceCents,
          statement.amountDueCents,
          file,
          createHash('sha256').update(pdf).digest('hex'),
        ]
          .map(csvField)
          .join(','),
      );
      bar.update(index + 1);
    }
    bar.stop();
    fs.writeFileSync(path.join(outDir, STATEMENTS_CSV), `${rows.join('\r\n')}\r\n`);
    result.seconds = (performance.now() - started) / 1000;
    return result;
  } finally {
    await app.close();
  }
};

export const registerStatements = (program: Command): void => {
  program
    .command('statements')
    .description('issue a statement to every patient who owed something at the cut-off; write one PDF each and statements.csv')
    .requiredOption('--as-of <iso>', 'the cut-off (ISO 8601; a bare date is the end of that day UTC); not in the future')
    .requiredOption('--out <dir>', 'directory for the PDFs and statements.csv (created if absent)')
    .option('--due-date <date>', 'due date printed on every statement (default: statement date + 30 days)')
    .option('--actor <name>', 'who is issuing (recorded on every event)', 'statements')
    .action(async (options: { asOf: string; out: string; dueDate?: string; actor: string }) => {
      const result = await issueStatementsToDirectory(loadConfig(), {
        asOf: options.asOf,
        out: options.out,
        actor: options.actor,
        ...(options.dueDate !== undefined && { dueDate: options.dueDate }),
      });
      console.log(
        `statements as of ${result.asOf}: ${result.issued} issued, ${result.existing} already issued, ${result.skipped} patients owed nothing; ${result.files.length} PDFs and ${STATEMENTS_CSV} in ${result.outDir} (${result.seconds.toFixed(2)} s)`,
      );
    });
};
