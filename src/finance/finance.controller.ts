import { AuditService } from '../audit/audit.service';
import { HASH_ALGORITHM } from '../event-store/hash-chain';
import { Controller, Get, Inject, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { CLOCK, type Clock } from '../common/clock';
import { parseCursor, parseCutoff, parseLimit } from '../common/query-params';
import { EVENT_STORE, type EventStore } from '../event-store/event-store';
import { Roles } from '../security/roles';
import { FinanceQueries, JOURNAL_LIMIT_MAX, type AgingView, type TrialBalanceView } from './finance-queries';
import { exportSnapshot, parseSnapshotAsOf, parseSnapshotFormat, snapshotFileNames } from './snapshot-export';
import { TAR_END, tarHeader, tarLength, tarPadding } from './tar';

/**
 * How long a computed snapshot waits for its download to begin. A request the timeout interceptor
 * already answered (503) never reads its stream; this removes its files all the same.
 */
export const SNAPSHOT_UNREAD_MAX_MS = 60_000;

/** Streams the snapshot's files as one tar, then removes them (also when the client goes away early, or never reads). */
const tarOf = (dir: string, names: readonly string[], mtimeSeconds: number): Readable => {
  let started = false;
  async function* members(): AsyncGenerator<Buffer> {
    started = true;
    for (const name of names) {
      const file = path.join(dir, name);
      const size = fs.statSync(file).size;
      yield tarHeader(name, size, mtimeSeconds);
      for await (const chunk of fs.createReadStream(file)) yield chunk as Buffer;
      yield tarPadding(size);
    }
    yield TAR_END;
  }
  const stream = Readable.from(members(), { objectMode: false });
  stream.on('close', () => fs.rmSync(dir, { recursive: true, force: true }));
  setTimeout(() => {
    if (!started) stream.destroy();
  }, SNAPSHOT_UNREAD_MAX_MS).unref();
  return stream;
};

/** Finance reads and exports the books; auditors read them too (README role matrix). */
@ApiTags('ledger')
@Roles('finance', 'auditor')
@Controller('ledger')
export class FinanceController {
  constructor(
    private readonly queries: FinanceQueries,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  @Get('trial-balance')
  @ApiOperation({ summary: 'Per account debits, credits and balance; ?asOf= (or ?position=) replays the events up to then' })
  trialBalance(@Query('asOf') asOf?: string, @Query('position') position?: string): TrialBalanceView | Promise<TrialBalanceView> {
    const cutoff = parseCutoff(asOf, position);
    return cutoff === undefined ? this.queries.currentTrialBalance() : this.queries.trialBalanceAsOf(cutoff);
  }

  @Get('aging')
  @ApiOperation({ summary: 'A/R aging per payer and for patients (0-30, 31-60, 61-90, 91-120, 121+ days); ?asOf= replays and ages at that instant' })
  aging(@Query('asOf') asOf?: string, @Query('position') position?: string): AgingView | Promise<AgingView> {
    const cutoff = parseCutoff(asOf, position);
    if (cutoff === undefined) return this.queries.currentAging(this.clock.now());
    return this.queries.agingAsOf(cutoff, cutoff.asOf !== undefined ? new Date(cutoff.asOf) : this.clock.now());
  }

  @Get('journal')
  @ApiOperation({ summary: 'Journal lines in posting order, by claim or patient, paged by cursor (current, from the journal projection)' })
  journal(
    @Query('claimId') claimId?: string,
    @Query('patientId') patientId?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ) {
    const after = parseCursor(cursor);
    return this.queries.journal({
      limit: parseLimit(limit, 100, JOURNAL_LIMIT_MAX),
      ...(claimId !== undefined && { claimId }),
      ...(patientId !== undefined && { patientId }),
      ...(after !== undefined && { cursor: after }),
    });
  }

  @Get('snapshots')
  @ApiProduces('application/x-tar')
  @ApiOperation({
    summary:
      'A ledger snapshot as of an instant, streamed as a tar of journal, trial balance, claims, aging and manifest.json; the same asOf gives the same bytes',
  })
  async snapshot(
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('asOf') asOf?: string,
    @Query('format') format?: string,
  ): Promise<StreamableFile> {
    const snapshotFormat = parseSnapshotFormat(format);
    const instant = parseSnapshotAsOf(asOf, this.clock.now());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-snapshot-'));
    let names: string[];
    let position: string;
    try {
      const result = await exportSnapshot(this.store, {
        asOf: instant,
        format: snapshotFormat,
        outDir: dir,
        auditDigest: async (at) => ({ algorithm: HASH_ALGORITHM, ...(await this.audit.digestAt(at)) }),
      });
      names = snapshotFileNames(snapshotFormat);
      position = result.manifest.position;
    } catch (error) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    const length = tarLength(names.map((name) => fs.statSync(path.join(dir, name)).size));
    reply.header('X-Ledger-Position', position);
    return new StreamableFile(tarOf(dir, names, Math.floor(Date.parse(instant) / 1000)), {
      type: 'application/x-tar',
      disposition: `attachment; filename="ledger-snapshot-${instant.replace(/[:.]/g, '')}-${snapshotFormat}.tar"`,
      length,
    });
  }
}
