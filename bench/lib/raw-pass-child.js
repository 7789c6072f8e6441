'use strict';
/*
 * One raw pass over an event file in a process of its own, so its peak RSS is its own.
 *
 * usage: node raw-pass-child.js parse|hash EVENTS_FILE
 * Prints one JSON line: { events, seconds, eventsPerSecond, peakRssMb, … }.
 */
const { peakRssMb } = require('./common');
const { rawReadHash, rawReadParse } = require('./raw');

const PASSES = { parse: rawReadParse, hash: rawReadHash };

const [mode, eventsFile] = process.argv.slice(2);
const pass = PASSES[mode];
if (pass === undefined) throw new Error(`unknown pass ${mode}; passes: ${Object.keys(PASSES).join(', ')}`);
process.stdout.write(`${JSON.stringify({ mode, ...pass(eventsFile), peakRssMb: peakRssMb() })}\n`);
