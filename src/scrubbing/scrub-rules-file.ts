import fs from 'node:fs';
import { InvalidInput } from '../common/errors';
import { BUILT_IN_RULES, parseScrubRules, type ScrubRules } from './scrub-rules';

/** A rule file larger than this is refused: support lists for every code of a specialty fit in far less. */
export const SCRUB_RULES_FILE_BYTES_MAX = 16 * 1024 * 1024;

/**
 * The scrub rules the service runs with: the file SCRUB_RULES_FILE names, or the built-in
 * structural edits when none is configured. A file that cannot be read or is not valid stops the
 * service at start with every problem listed: running with half the rules would let bad claims out.
 */
export const loadScrubRules = (file: string | undefined): ScrubRules => {
  if (file === undefined) return BUILT_IN_RULES;
  let text: string;
  try {
    if (fs.statSync(file).size > SCRUB_RULES_FILE_BYTES_MAX) throw new Error(`larger than ${SCRUB_RULES_FILE_BYTES_MAX} bytes`);
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`SCRUB_RULES_FILE ${file} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`SCRUB_RULES_FILE ${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return parseScrubRules(json, file);
  } catch (error) {
    if (!(error instanceof InvalidInput)) throw error;
    throw new Error(`${error.message}:\n${error.errors.map((e) => `  ${e.field}: ${e.message}`).join('\n')}`);
  }
};
