'use strict';
/*
 * Part 4: rebuild. Events/s to rebuild every projection from 10k, 100k and 1M events (up to
 * --events; 1M only in the full run) through ProjectionRunner.rebuild, with peak RSS, each in a
 * child process of its own; the baseline is a raw read-and-JSON.parse pass over the same file,
 * also in a child.
 */
const path = require('node:path');
const { dist, freshDir, log, median, row, runChild } = require('./lib/common');
const { corpusFile } = require('./lib/corpus');

const SIZES = [10_000, 100_000, 1_000_000];
/** Small sizes take well under a second: repeat them and keep the median. */
const repeatsFor = (n) => (n <= 10_000 ? 3 : 1);
const TARGETS = { eventsPerSecondAt1M: 100_000, ofRaw: 0.35, peakRssMb: 300, at1MOf10k: 0.8 };
const CHILD = path.join(__dirname, 'lib', 'rebuild-child.js');
/** Where each projection is also rebuilt alone (the smallest size in a quick run). */
const BREAKDOWN_EVENTS = 100_000;

const medianBy = (results, key) => {
  const m = median(results.map((r) => r[key]));
  return results.find((r) => r[key] === m) ?? results[0];
};

const run = async (ctx) => {
  const { options } = ctx;
  const sizes = SIZES.filter((n) => n <= options.events);
  const dir = freshDir(ctx.workDir, 'rebuild');
  const results = [];
  for (const n of sizes) {
    const file = await corpusFile(ctx, n);
    const raws = [];
    const rebuilds = [];
    for (let i = 0; i < repeatsFor(n); i++) {
      log(`rebuild: ${n.toLocaleString('en-US')} events, raw read + parse (${i + 1}/${repeatsFor(n)})`);
      raws.push(await runChild(CHILD, ['raw', file]));
      log(`rebuild: ${n.toLocaleString('en-US')} events, every projection (${i + 1}/${repeatsFor(n)})`);
      rebuilds.push(await runChild(CHILD, ['rebuild', file, path.join(dir, `read-${n}.sqlite`)]));
    }
    results.push({ n, raw: medianBy(raws, 'eventsPerSecond'), rebuild: medianBy(rebuilds, 'eventsPerSecond') });
  }

  // What each projection costs alone, at the breakdown size (and the runner reading with none).
  const breakdownSize = sizes.includes(BREAKDOWN_EVENTS) && !options.quick ? BREAKDOWN_EVENTS : sizes[0];
  const breakdownFile = await corpusFile(ctx, breakdownSize);
  const { ALL_PROJECTIONS } = dist('projections/all-projections');
  const breakdown = [];
  for (const name of ['noop', ...ALL_PROJECTIONS.map((p) => p.name)]) {
    log(`rebuild: ${breakdownSize.toLocaleString('en-US')} events, ${name} alone`);
    breakdown.push({ name, ...(await runChild(CHILD, ['rebuild', breakdownFile, path.join(dir, `read-${name}.sqlite`), name])) });
  }

  const rows = [];
  const smallest = results[0];
  for (const { n, raw, rebuild } of results) {
    const size = n.toLocaleString('en-US');
    rows.push(row(`raw read + JSON.parse, ${size} events (peak RSS ${raw.peakRssMb.toFixed(0)} MB)`, raw.eventsPerSecond, 'events/s', { detail: raw }));
    const ofRaw = rebuild.eventsPerSecond / raw.eventsPerSecond;
    const met = [ofRaw >= TARGETS.ofRaw, rebuild.peakRssMb <= TARGETS.peakRssMb];
    const texts = [`≥ ${TARGETS.ofRaw * 100}% of raw`, `RSS ≤ ${TARGETS.peakRssMb} MB`];
    if (n === 1_000_000) {
      met.push(rebuild.eventsPerSecond >= TARGETS.eventsPerSecondAt1M);
      texts.unshift(`≥ ${TARGETS.eventsPerSecondAt1M.toLocaleString('en-US')}/s`);
    }
    rows.push(
      row(`rebuild every projection, ${size} events (peak RSS ${rebuild.peakRssMb.toFixed(0)} MB)`, rebuild.eventsPerSecond, 'events/s', {
        baseline: { name: 'raw read + parse', value: raw.eventsPerSecond, unit: 'events/s' },
        target: { text: texts.join(', '), met: met.every(Boolean) },
        detail: rebuild,
      }),
    );
  }
  const largest = results[results.length - 1];
  if (results.length > 1 && largest.n === 1_000_000) {
    const ratio = largest.rebuild.eventsPerSecond / smallest.rebuild.eventsPerSecond;
    rows.push(
      row(`rebuild rate at 1M vs at ${smallest.n.toLocaleString('en-US')}`, largest.rebuild.eventsPerSecond, 'events/s', {
        baseline: { name: `rebuild at ${smallest.n.toLocaleString('en-US')}`, value: smallest.rebuild.eventsPerSecond, unit: 'events/s' },
        ratio,
        target: { text: 'within 20% (≥ 0.8×)', met: ratio >= TARGETS.at1MOf10k },
      }),
    );
  }
  const raw = results.find((r) => r.n === breakdownSize)?.raw;
  for (const b of breakdown) {
    const what = b.name === 'noop' ? 'read the store through the runner, no projection' : `${b.name} alone`;
    rows.push(
      row(`${what}, ${breakdownSize.toLocaleString('en-US')} events`, b.eventsPerSecond, 'events/s', {
        ...(raw && { baseline: { name: 'raw read + parse', value: raw.eventsPerSecond, unit: 'events/s' } }),
        detail: b,
      }),
    );
  }
  const notes = [
    `Projections: ${dist('projections/all-projections').ALL_PROJECTIONS.map((p) => p.name).join(', ')}; the read store is synchronous=NORMAL (a rebuild runs it synchronous=OFF and checkpoints at the end, from commit 38f10cc on); the runner applies 1,000 events per transaction.`,
    `Sizes up to --events (${options.events.toLocaleString('en-US')}); the 10k figures are the median of ${repeatsFor(10_000)} runs.`,
  ];
  return { key: 'rebuild', title: '4. Rebuild (ProjectionRunner.rebuild, every projection, child process each)', rows, notes };
};

module.exports = { run };
