import 'reflect-metadata';
import { Command, InvalidArgumentError } from 'commander';
import { exportLedger } from './cli/export';
import { describeVerifyReport, exportAuditPackage, verify, verifyPackageFile } from './cli/audit';
import { registerExport837 } from './cli/export-837';
import { registerImport835 } from './cli/import-835';
import { registerLoadFeeSchedule } from './cli/load-fee-schedule';
import { createKey, listKeys } from './cli/keys';
import { rebuild } from './cli/rebuild';
import { replayClaim } from './cli/replay';
import { registerStatements } from './cli/statements';
import { loadConfig } from './common/config';
import { parseCutoff } from './common/query-params';

const positiveInteger = (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError('a positive whole number');
  return n;
};

export const buildCli = (): Command => {
  const program = new Command('billing-ledger')
    .description('Event-sourced ledger for medical billing. Configuration comes from the environment (see README).')
    .showHelpAfterError();

  // The server and the seeder load NestJS and every module: only when they run.
  program
    .command('serve')
    .description('run the HTTP API (PORT, LEDGER_DATA_DIR, EVENT_STORE)')
    .action(async () => (await import('./main')).serve());

  program
    .command('rebuild')
    .description('drop and replay projections from the first event (stop the server first)')
    .option('--projection <name...>', 'only these projections (claims, patient-accounts, denials)')
    .action(async (options: { projection?: string[] }) => {
      const result = await rebuild(loadConfig(), options.projection ?? []);
      console.log(`rebuilt ${result.events} events in ${result.seconds.toFixed(2)} s (${Math.round(result.events / Math.max(result.seconds, 1e-9))} events/s)`);
    });

  program
    .command('replay')
    .description('a readable timeline of one claim: each event, who, when, and the balances after it')
    .argument('<kind>', 'what to replay: claim')
    .argument('<id>', 'the claim id')
    .option('--as-of <iso>', 'stop at this recorded instant')
    .action(async (kind: string, id: string, options: { asOf?: string }) => {
      if (kind !== 'claim') throw new InvalidArgumentError(`can replay a claim, not a ${kind}`);
      for (const line of await replayClaim(loadConfig(), id, parseCutoff(options.asOf, undefined))) console.log(line);
    });

  program
    .command('seed')
    .description('drive realistic claim lifecycles through the real command handlers')
    .requiredOption('--claims <n>', 'how many claims', positiveInteger)
    .option('--seed <s>', 'random seed (same seed, same lifecycles)', positiveInteger, 1)
    .action(async (options: { claims: number; seed: number }) => {
      const { seed } = await import('./cli/seed');
      const result = await seed(loadConfig(), options.claims, options.seed);
      console.log(
        `seeded ${result.claims} claims: ${result.events} events in ${result.seconds.toFixed(2)} s (${Math.round(result.events / result.seconds)} events/s)`,
      );
    });

  program
    .command('export')
    .description('a ledger snapshot as of an instant: journal, trial balance, claims, aging and manifest.json (same as-of, same bytes)')
    .requiredOption('--as-of <iso>', 'the instant (ISO 8601; a bare date is the end of that day UTC); not in the future')
    .requiredOption('--out <dir>', 'directory to write the files into (created if absent)')
    .option('--format <format>', 'csv (RFC 4180) or jsonl', 'csv')
    .action(async (options: { asOf: string; out: string; format: string }) => {
      const result = await exportLedger(loadConfig(), options);
      const m = result.manifest;
      console.log(
        `exported ${m.eventCount} events (through position ${m.position}) as of ${m.asOf} to ${result.outDir} in ${result.seconds.toFixed(2)} s: ${m.controlTotals.journalLineCount} journal lines, ${m.controlTotals.claimCount} claims`,
      );
    });
  program
    .command('verify')
    .description('recompute every hash chain and the ledger digest; report the first broken link')
    .option('--stream <id>', 'check one stream only (e.g. claim-123)')
    .action(async (options: { stream?: string }) => {
      const report = await verify(loadConfig(), options.stream);
      for (const line of describeVerifyReport(report)) console.log(line);
      if (!report.ok) process.exitCode = 2;
    });

  program
    .command('audit')
    .description("export a claim's audit package (its streams with hashes, the ledger digest, the claim replayed)")
    .argument('<kind>', 'what to export: claim')
    .argument('<id>', 'the claim id')
    .requiredOption('--out <file>', 'where to write the package')
    .action(async (kind: string, id: string, options: { out: string }) => {
      if (kind !== 'claim') throw new InvalidArgumentError(`can export a claim, not a ${kind}`);
      const packageHash = await exportAuditPackage(loadConfig(), id, options.out, new Date());
      console.log(`wrote ${options.out} (packageHash ${packageHash})`);
    });

  program
    .command('verify-package')
    .description('check an audit package offline: its hash, every chain from genesis, the claim replayed')
    .argument('<file>')
    .action((file: string) => {
      const verdict = verifyPackageFile(file);
      if (verdict.ok) console.log(`ok: claim ${verdict.claimId}, ${verdict.events} events, ledger digest ${verdict.ledger?.digest} at position ${verdict.ledger?.position}`);
      else {
        console.log('REJECTED');
        for (const problem of verdict.problems) console.log(`- ${problem}`);
        process.exitCode = 2;
      }
    });
  registerImport835(program);
  registerExport837(program);
  registerStatements(program);
  registerLoadFeeSchedule(program);
  const keys = program.command('keys').description('API keys (bearer tokens) and their roles');
  keys
    .command('create')
    .description('create a key and print its token once (only its hash is stored)')
    .requiredOption('--name <name>', 'who holds it; becomes the actor on the events it causes')
    .requiredOption('--role <role>', 'biller, auditor, finance or admin')
    .action((options: { name: string; role: string }) => {
      const { token, key } = createKey(loadConfig(), options.name, options.role, new Date());
      console.log(`created key ${key.keyId} for ${key.name} (${key.role}); its token, shown only now:`);
      console.log(token);
    });
  keys
    .command('list')
    .description('the keys that exist (never their tokens)')
    .action(() => {
      for (const key of listKeys(loadConfig())) console.log(`${key.keyId}  ${key.role.padEnd(7)}  ${key.name}  (created ${key.createdAt})`);
    });

  return program;
};

export const main = async (argv: readonly string[]): Promise<void> => {
  try {
    await buildCli().parseAsync([...argv]);
  } catch (error) {
    console.error(`billing-ledger: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
};

if (require.main === module) void main(process.argv);
