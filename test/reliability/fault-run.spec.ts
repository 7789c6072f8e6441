/**
 * Load and faults (issue #8), bounded in time, loopback only: N clients post random claim
 * lifecycles for M seconds while the built server is SIGKILLed and restarted K times (see
 * fault-run.ts for what runs and what is checked).
 *
 * CI size by default (4 clients, 20 s, 3 kills); FAULT_RUN_CLIENTS, FAULT_RUN_SECONDS,
 * FAULT_RUN_KILLS and FAULT_RUN_SEED change it, and `npm run reliability` (bench/reliability.js)
 * runs this same file at the full size and records the figures. FAULT_RUN_REPORT names a file
 * to write the figures to as JSON; FAULT_RUN_KEEP=1 keeps the data directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { COMMAND_KINDS, buildService, killAllServers, makeWorkDir, mismatchCount, optionsFromEnv, runFaultRun, type FaultRunReport } from './fault-run';

const CI_SIZE = { clients: 4, seconds: 20, kills: 3 };
const options = optionsFromEnv(CI_SIZE);
/** Build, the run itself, the restarts and the checks: generous, the run is bounded by its own clock. */
const TIMEOUT_MS = 180_000 + options.seconds * 3_000 + options.kills * 60_000;

jest.setTimeout(TIMEOUT_MS);

describe(`load and faults: ${options.clients} clients, ${options.seconds} s, ${options.kills} SIGKILLs`, () => {
  let workDir: string;
  let report: FaultRunReport;

  beforeAll(async () => {
    workDir = makeWorkDir();
    const distDir = path.join(workDir, 'dist');
    buildService(distDir);
    report = await runFaultRun({ ...options, distDir, workDir, log: (line) => process.stderr.write(`${line}\n`) });
    const summary = {
      ...report,
      mismatchCount: mismatchCount(report),
      mismatches: Object.fromEntries(Object.entries(report.mismatches).map(([k, v]) => [k, v.slice(0, 20)])),
    };
    process.stderr.write(`fault run (seed ${options.seed}; FAULT_RUN_SEED=${options.seed} repeats its choices): ${JSON.stringify(summary, null, 2)}\n`);
    const reportFile = process.env['FAULT_RUN_REPORT'];
    if (reportFile !== undefined && reportFile !== '') fs.writeFileSync(reportFile, `${JSON.stringify({ ...report, mismatchCount: mismatchCount(report) }, null, 2)}\n`);
  });

  afterAll(() => {
    killAllServers();
    if (workDir && process.env['FAULT_RUN_KEEP'] !== '1') fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('every kill was a SIGKILL with commands in flight, and the server came back on the same data each time', () => {
    expect(report.kills).toHaveLength(options.kills);
    for (const kill of report.kills) {
      expect(kill.signal).toBe('SIGKILL');
      expect(kill.inFlight).toBeGreaterThan(0);
    }
    expect(report.mismatches.healthAfterRun).toEqual([]);
  });

  it('the clients kept working through the kills: commands of every kind acknowledged, some only after a retry with the same Idempotency-Key', () => {
    expect(report.acknowledged).toBeGreaterThan(50 * options.clients);
    expect(COMMAND_KINDS.filter((kind) => (report.acknowledgedByKind[kind] ?? 0) === 0)).toEqual([]);
    if (options.kills > 0) expect(report.retried).toBeGreaterThan(0);
    expect(report.mismatches.serverErrors).toEqual([]);
  });

  it('every acknowledged command is stored exactly once, a refused one not at all, and nothing else is stored', () => {
    expect(report.mismatches.acknowledgedNotStoredOnce).toEqual([]);
    expect(report.mismatches.refusedButStored).toEqual([]);
    expect(report.mismatches.unexplainedEvents).toEqual([]);
  });

  it('no duplicate posting: one submission per claim, remittance, payment and refund ids used once, one event per command per stream', () => {
    expect(report.mismatches.duplicatePostings).toEqual([]);
  });

  it('the projections the server left equal a fresh rebuild from the events', () => {
    expect(report.mismatches.projectionsVersusRebuild).toEqual([]);
  });

  it('every claim conserves its money, and the balances served equal the fold of its events', () => {
    expect(report.claims).toBeGreaterThan(0);
    expect(report.mismatches.servedVersusFold).toEqual([]);
    expect(report.mismatches.conservation).toEqual([]);
    expect(mismatchCount(report)).toBe(0);
  });
});
