'use strict';
/*
 * Interleaved rounds. The disk and the 2 cores are shared with whatever else runs on the machine,
 * and an fsync rate can halve for a few seconds. Figures that are compared with each other are
 * therefore measured in alternating short rounds (A B C, A B C, …) and summed, so a slow spell
 * hurts all of them alike instead of skewing one ratio.
 */
const { percentile } = require('./common');

/** Rounds per compared measurement: more in a full run, one in a quick run. */
const roundsFor = (options) => (options.quick ? 1 : 4);

/** Runs every measure once per round, in order, alternating; returns each measure's round results. */
const interleaved = async (rounds, measures) => {
  const results = Object.fromEntries(measures.map((m) => [m.key, []]));
  for (let round = 0; round < rounds; round++) {
    for (const m of measures) results[m.key].push(await m.run(round));
  }
  return results;
};

const COUNTS = ['appends', 'events', 'commands', 'commits', 'lifecycles'];

/**
 * Sums the counts and seconds of a measure's rounds and recomputes its rates (and latency
 * percentiles, from every latency of every round).
 */
const combine = (roundResults) => {
  const first = roundResults[0];
  const combined = { ...first, rounds: roundResults.length };
  for (const key of COUNTS) if (typeof first[key] === 'number') combined[key] = roundResults.reduce((s, r) => s + r[key], 0);
  combined.seconds = roundResults.reduce((s, r) => s + r.seconds, 0);
  if (typeof combined.appends === 'number') combined.appendsPerSecond = combined.appends / combined.seconds;
  if (typeof combined.events === 'number') combined.eventsPerSecond = combined.events / combined.seconds;
  if (typeof combined.commands === 'number') combined.commandsPerSecond = combined.commands / combined.seconds;
  if (typeof combined.commits === 'number' && combined.commits > 0 && typeof combined.appends === 'number') combined.appendsPerCommit = combined.appends / combined.commits;
  if (typeof first.cpuMicrosPerCommand === 'number') {
    combined.cpuMicrosPerCommand = roundResults.reduce((s, r) => s + r.cpuMicrosPerCommand * r.commands, 0) / Math.max(1, combined.commands);
  }
  combined.exhausted = roundResults.some((r) => r.exhausted);
  if (first.latenciesMs) {
    const all = roundResults.flatMap((r) => r.latenciesMs);
    combined.p50Ms = percentile(all, 0.5);
    combined.p99Ms = percentile(all, 0.99);
  }
  combined.perRound = roundResults.map((r) => r.eventsPerSecond ?? r.appendsPerSecond ?? r.commandsPerSecond);
  delete combined.latenciesMs;
  return combined;
};

module.exports = { roundsFor, interleaved, combine };
