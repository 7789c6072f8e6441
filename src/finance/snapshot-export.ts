import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { parseCutoff } from '../common/query-params';
import { InvalidInput } from '../common/errors';
import type { EventStore, Position } from '../event-store/event-store';
import { AgingAccumulator, agingInputOf } from './aging';
import { AR_PATIENT, AR_PAYER, CASH, GROSS_CHARGES, PATIENT_CREDITS } from './chart-of-accounts';
import { replayLedger, type ReplayOptions } from './ledger-replay';
import {
  AGING_TABLE,
  CLAIMS_TABLE,
  encodeRow,
  fileNameOf,
  headerOf,
  JOURNAL_TABLE,
  SNAPSHOT_FORMATS,
  TRIAL_BALANCE_TABLE,
  type SnapshotFormat,
  type Table,
} from './snapshot-rows';
import { balancesOf } from '../claims/claim';

/** Bytes gathered before one write to the file: fewer, larger writes. */
export const WRITE_CHUNK_BYTES = 256 * 1024;
export const MANIFEST_FILE = 'manifest.json';
/** Bumped when a file's columns or the manifest's shape change. */
export const SNAPSHOT_FORMAT_VERSION = 1;

/**
 * The audit chain's digest at a position (another issue builds the chain): when a provider is
 * given, the manifest carries what it returns in `auditDigest`; otherwise `auditDigest` is null.
 */
export interface AuditDigest {
  algorithm: string;
  digest: string;
  position: string;
}
export type AuditDigestProvider = (position: Position) => Promise<AuditDigest | null>;

export interface ManifestFile {
  name: string;
  rows: number;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  kind: 'billing-ledger snapshot';
  snapshotFormatVersion: number;
  softwareVersion: string;
  asOf: string;
  /** The last global position included (decimal string). */
  position: string;
  eventCount: number;
  format: SnapshotFormat;
  files: ManifestFile[];
  controlTotals: {
    journalLineCount: number;
    debitCents: number;
    creditCents: number;
    claimCount: number;
    cashCents: number;
    grossChargesCents: number;
    arPayerCents: number;
    arPatientCents: number;
    patientCreditsCents: number;
    /** Σ claim payer balances (claims file); equals arPayerCents. */
    payerBalanceCents: number;
    /** Σ claim patient balances − unallocated credit; equals arPatientCents − patientCreditsCents. */
    patientBalanceCents: number;
  };
  auditDigest: AuditDigest | null;
}

export interface ExportOptions {
  /** The as-of instant (ISO 8601; a bare date means the end of that day, UTC). */
  asOf: string;
  format: SnapshotFormat;
  outDir: string;
  /** When given, the as-of may not be later than this (a snapshot of the future could not be reproduced). */
  now?: Date;
  auditDigest?: AuditDigestProvider;
  onProgress?: (position: Position, head: Position) => void;
  onRead?: ReplayOptions['onRead'];
  claimCacheMax?: number;
}

export interface ExportResult {
  manifest: Manifest;
  outDir: string;
  seconds: number;
}

/** The version in package.json, read at run time (src/finance and dist/finance both sit two levels below it). */
export const softwareVersion = (): string => {
  const file = path.resolve(__dirname, '..', '..', 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
};

export const parseSnapshotFormat = (value: string | undefined): SnapshotFormat => {
  if (value === undefined) return 'csv';
  if (!(SNAPSHOT_FORMATS as readonly string[]).includes(value)) {
    throw new InvalidInput(`format must be one of ${SNAPSHOT_FORMATS.join(', ')}`, [{ field: 'format', message: 'csv or jsonl' }]);
  }
  return value as SnapshotFormat;
};

/** The as-of instant, normalised to ISO 8601 UTC; required, and not later than `now` when given. */
export const parseSnapshotAsOf = (asOf: string | undefined, now?: Date): string => {
  if (asOf === undefined || asOf === '') throw new InvalidInput('asOf is required: the instant the snapshot is taken as of', [{ field: 'asOf', message: 'required' }]);
  const cutoff = parseCutoff(asOf, undefined);
  const instant = cutoff?.asOf as string;
  if (now !== undefined && Date.parse(instant) > now.getTime()) {
    throw new InvalidInput('asOf is in the future: a snapshot of a time not yet over could change, so it is refused', [
      { field: 'asOf', message: `must not be later than ${now.toISOString()}` },
    ]);
  }
  return instant;
};

/** A file written through a stream, hashed and counted as it goes. */
class SnapshotFile {
  private readonly stream: fs.WriteStream;
  private readonly hash: Hash = createHash('sha256');
  private pending: string[] = [];
  private pendingBytes = 0;
  private failure: Error | null = null;
  bytes = 0;
  rows = 0;

  constructor(
    readonly name: string,
    dir: string,
  ) {
    this.stream = fs.createWriteStream(path.join(dir, name));
    // Kept, and thrown at the next write or close: an unheard 'error' event would end the process.
    this.stream.on('error', (error) => (this.failure = error));
  }

  /** Adds text; returns a promise only when the chunk had to wait for the disk (backpressure). */
  write(text: string, isRow = true): Promise<void> | undefined {
    if (isRow) this.rows += 1;
    this.pending.push(text);
    this.pendingBytes += text.length;
    return this.pendingBytes >= WRITE_CHUNK_BYTES ? this.flush() : undefined;
  }

  async close(): Promise<ManifestFile> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
    return { name: this.name, rows: this.rows, bytes: this.bytes, sha256: this.hash.digest('hex') };
  }

  destroy(): void {
    this.stream.destroy();
  }

  private async flush(): Promise<void> {
    if (this.failure !== null) throw this.failure;
    if (this.pending.length === 0) return;
    const chunk = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingBytes = 0;
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }
}

const writeTable = async <Row>(file: SnapshotFile, table: Table<Row>, format: SnapshotFormat, rows: Iterable<Row>): Promise<void> => {
  const header = headerOf(table as Table<unknown>, format);
  if (header !== '') await file.write(header, false);
  for (const row of rows) {
    const waited = file.write(encodeRow(table, format, row));
    if (waited !== undefined) await waited;
  }
};

/**
 * Writes a ledger snapshot as of an instant into `outDir`: journal, trial balance, claims, aging
 * and manifest.json (written last, so a directory with a manifest holds a finished snapshot). Every
 * file is computed by replaying the events up to the as-of, so the same as-of on the same events
 * gives byte-identical files, whatever was appended later and whether projections were rebuilt.
 * Input is read page by page and output streamed, so memory stays bounded on any ledger.
 */
export const exportSnapshot = async (store: EventStore, options: ExportOptions): Promise<ExportResult> => {
  const started = performance.now();
  const asOf = parseSnapshotAsOf(options.asOf, options.now);
  const { format, outDir } = options;
  fs.mkdirSync(outDir, { recursive: true });
  // A manifest left from an earlier export would vouch for files this one is about to replace.
  fs.rmSync(path.join(outDir, MANIFEST_FILE), { force: true });

  const journal = new SnapshotFile(fileNameOf(JOURNAL_TABLE as Table<unknown>, format), outDir);
  const others: SnapshotFile[] = [];
  try {
    const header = headerOf(JOURNAL_TABLE as Table<unknown>, format);
    if (header !== '') await journal.write(header, false);
    const replay = await replayLedger(
      store,
      { recordedAt: asOf },
      {
        onLine: (line) => journal.write(encodeRow(JOURNAL_TABLE, format, line)),
        ...(options.onProgress !== undefined && { onProgress: options.onProgress }),
        ...(options.onRead !== undefined && { onRead: options.onRead }),
        ...(options.claimCacheMax !== undefined && { claimCacheMax: options.claimCacheMax }),
      },
    );
    try {
      const files = [await journal.close()];
      const trialBalance = replay.trialBalance.result();
      const trialBalanceFile = new SnapshotFile(fileNameOf(TRIAL_BALANCE_TABLE as Table<unknown>, format), outDir);
      others.push(trialBalanceFile);
      await writeTable(trialBalanceFile, TRIAL_BALANCE_TABLE, format, trialBalance.accounts);
      files.push(await trialBalanceFile.close());

      const aging = new AgingAccumulator(new Date(asOf));
      let claimCount = 0;
      let payerBalanceCents = 0;
      let claimPatientBalanceCents = 0;
      const claimsFile = new SnapshotFile(fileNameOf(CLAIMS_TABLE as Table<unknown>, format), outDir);
      others.push(claimsFile);
      const claims = (function* () {
        for (const ledgerClaim of replay.book.claimsInOrder()) {
          const balances = balancesOf(ledgerClaim.claim.money);
          claimCount += 1;
          payerBalanceCents += balances.payerBalanceCents;
          claimPatientBalanceCents += balances.patientBalanceCents;
          aging.add(agingInputOf(ledgerClaim));
          yield ledgerClaim;
        }
      })();
      await writeTable(claimsFile, CLAIMS_TABLE, format, claims);
      files.push(await claimsFile.close());

      const agingResult = aging.result(replay.unallocatedCreditCents);
      const agingFile = new SnapshotFile(fileNameOf(AGING_TABLE as Table<unknown>, format), outDir);
      others.push(agingFile);
      await writeTable(agingFile, AGING_TABLE, format, [...agingResult.payers, agingResult.patients]);
      files.push(await agingFile.close());

      const net = (account: Parameters<typeof replay.trialBalance.netDebitCents>[0]): number => replay.trialBalance.netDebitCents(account);
      const manifest: Manifest = {
        kind: 'billing-ledger snapshot',
        snapshotFormatVersion: SNAPSHOT_FORMAT_VERSION,
        softwareVersion: softwareVersion(),
        asOf,
        position: replay.position.toString(10),
        eventCount: replay.eventCount,
        format,
        files,
        controlTotals: {
          journalLineCount: replay.journalLineCount,
          debitCents: trialBalance.totals.debitCents,
          creditCents: trialBalance.totals.creditCents,
          claimCount,
          cashCents: net(CASH),
          grossChargesCents: 0 - net(GROSS_CHARGES),
          arPayerCents: net(AR_PAYER),
          arPatientCents: net(AR_PATIENT),
          patientCreditsCents: 0 - net(PATIENT_CREDITS),
          payerBalanceCents,
          patientBalanceCents: claimPatientBalanceCents - replay.unallocatedCreditCents,
        },
        auditDigest: options.auditDigest === undefined ? null : await options.auditDigest(replay.position),
      };
      fs.writeFileSync(path.join(outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
      return { manifest, outDir, seconds: (performance.now() - started) / 1000 };
    } finally {
      replay.book.close();
    }
  } catch (error) {
    journal.destroy();
    for (const file of others) file.destroy();
    throw error;
  }
};

/** The files of a snapshot in the order they are written (and bundled), manifest last. */
export const snapshotFileNames = (format: SnapshotFormat): string[] => [
  ...[JOURNAL_TABLE, TRIAL_BALANCE_TABLE, CLAIMS_TABLE, AGING_TABLE].map((t) => fileNameOf(t as Table<unknown>, format)),
  MANIFEST_FILE,
];
