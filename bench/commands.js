'use strict';
/*
 * Part 2: the command path. Commands/s through the real command services (ClaimCommands,
 * EncounterCommands, PatientCommands in a Nest application context, as `billing-ledger seed`
 * runs them): load and fold, decide, append (synchronous=FULL, group commit), project, wait for
 * the projections (read-your-writes), answer with the view. 1 and 32 concurrent callers,
 * compared with the raw one-fsync-per-append ceiling measured here in the same run.
 */
const path = require('node:path');
const { dist, freshDir, log, now, percentile, row } = require('./lib/common');
const { sqliteConfig, templateFor } = require('./lib/corpus');
const { makeLifecycle, services } = require('./lib/lifecycle');
const { rawTimedAppends } = require('./lib/raw');
const { roundsFor, interleaved, combine } = require('./lib/rounds');

const CALLERS = [1, 32];
/** Lifecycles run before the clock starts (JIT warm-up, SQLite page cache). */
const WARMUP_LIFECYCLES = 40;

/** `patch(store, eventsFile)`, if given, alters the store before any command runs (prototypes). */
const commandPath = async (dataDir, callers, seconds, { patch } = {}) => {
  const { NestFactory } = require('@nestjs/core');
  const { AppModule } = dist('app.module');
  const { EVENT_STORE } = dist('event-store/event-store');
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(sqliteConfig(dataDir)), { logger: ['error', 'warn'] });
  try {
    const store = app.get(EVENT_STORE);
    patch?.(store, path.join(dataDir, 'events.sqlite'));
    const lifecycle = makeLifecycle(services(app), `c${callers}`);
    const warm = [];
    for (let i = 0; i < WARMUP_LIFECYCLES; i++) await lifecycle(1_000_000 + i, warm);
    const statsBefore = store.stats();
    const headBefore = await store.headPosition();
    const latenciesMs = [];
    let next = 0;
    let commands = 0;
    const deadline = now() + seconds * 1000;
    const started = now();
    const cpuBefore = process.cpuUsage();
    const caller = async () => {
      while (now() < deadline) {
        // Not `commands += await …`: that reads `commands` before the await and loses the others' counts.
        const ran = await lifecycle(next++, latenciesMs);
        commands += ran;
      }
    };
    await Promise.all(Array.from({ length: callers }, caller));
    const elapsed = (now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const events = Number((await store.headPosition()) - headBefore);
    const stats = store.stats();
    const commits = stats.commits - statsBefore.commits;
    return {
      callers,
      lifecycles: next,
      commands,
      events,
      appends: stats.appends - statsBefore.appends,
      commits,
      seconds: elapsed,
      commandsPerSecond: commands / elapsed,
      eventsPerSecond: events / elapsed,
      cpuMicrosPerCommand: (cpu.user + cpu.system) / Math.max(1, commands),
      appendsPerCommit: (stats.appends - statsBefore.appends) / Math.max(1, commits),
      p50Ms: percentile(latenciesMs, 0.5),
      p99Ms: percentile(latenciesMs, 0.99),
      latenciesMs,
    };
  } finally {
    await app.close();
  }
};

const run = async (ctx) => {
  const { options } = ctx;
  const seconds = options.seconds;
  const dir = freshDir(ctx.workDir, 'commands');
  const template = await templateFor(ctx);

  const rounds = roundsFor(options);
  const each = seconds / rounds;
  log(`commands: raw 1 append/tx, then the command path with ${CALLERS.join(' and ')} callers: ${rounds} interleaved round(s) of ${each} s each`);
  const measured = await interleaved(rounds, [
    { key: 'raw', run: (r) => rawTimedAppends(template, path.join(freshDir(dir, `raw-${r}`), 'events.sqlite'), { appendsPerTx: 1, seconds: each }) },
    ...CALLERS.map((callers) => ({ key: `c${callers}`, run: (r) => commandPath(freshDir(dir, `callers-${callers}-${r}`), callers, each) })),
  ]);
  const raw = combine(measured.raw);
  const results = CALLERS.map((callers) => combine(measured[`c${callers}`]));
  const ceiling = { name: 'raw, 1 append/tx', value: raw.appendsPerSecond, unit: 'appends/s' };
  const rows = [row('raw ceiling: 1 append per transaction (one fsync each)', raw.appendsPerSecond, 'appends/s', { detail: raw })];
  for (const r of results) {
    const ratio = r.commandsPerSecond / raw.appendsPerSecond;
    const target =
      r.callers === 1
        ? { text: '≥ 0.5× raw 1 append/tx', met: ratio >= 0.5 }
        : { text: '≥ 2× raw 1 append/tx', met: ratio >= 2 };
    rows.push(
      row(`command path, ${r.callers} caller${r.callers === 1 ? '' : 's'} (p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms)`, r.commandsPerSecond, 'commands/s', {
        baseline: ceiling,
        target: CALLERS.includes(r.callers) ? target : undefined,
        detail: r,
      }),
    );
  }
  const notes = [
    'A command here is one call of a command service: code an encounter, submit (two appends: encounter billed, claim submitted), denial, correction, resubmission, remittance, patient payment; it returns after the projections have applied it.',
    ...results.map(
      (r) =>
        `${r.callers} caller(s): ${r.commands} commands, ${r.events} events (${r.eventsPerSecond.toFixed(0)} events/s), ${r.appendsPerCommit.toFixed(1)} appends per group commit, ${r.cpuMicrosPerCommand.toFixed(0)} µs of CPU per command (all threads).`,
    ),
  ];
  return { key: 'commands', title: '2. Command path (real command services, synchronous=FULL)', rows, notes, results };
};

module.exports = { run, commandPath };
