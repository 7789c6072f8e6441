import type { Event } from '../common/event';
import type { Cents } from '../common/money';

/** One billed service: a procedure (CPT or HCPCS II) with its modifiers, units, charge and the diagnoses it treats. */
export interface ServiceLine {
  lineNumber: number;
  procedureCode: string;
  modifiers: string[];
  units: number;
  chargeCents: Cents;
  /** 1-based indexes into the encounter's diagnoses (1–4). */
  diagnosisPointers: number[];
}

/** A visit turned into codes by a coder: diagnoses (ICD-10-CM, the first is primary) and service lines. */
export type EncounterCoded = Event<
  'EncounterCoded',
  {
    encounterId: string;
    patientId: string;
    providerNpi: string;
    dateOfService: string;
    diagnoses: string[];
    lines: ServiceLine[];
  }
>;

/**
 * The encounter has been claimed by one claim. Not in DESIGN.md's v1 table: it lets the
 * encounter stream itself decide "one claim per encounter" under optimistic concurrency
 * (see docs/events.md).
 */
export type EncounterBilled = Event<'EncounterBilled', { encounterId: string; claimId: string }>;

export type EncounterEvent = EncounterCoded | EncounterBilled;

export interface Encounter {
  encounterId: string;
  patientId: string;
  providerNpi: string;
  dateOfService: string;
  diagnoses: string[];
  lines: ServiceLine[];
  claimId: string | null;
}

export type EncounterState = Encounter | null;

export const initialEncounterState: EncounterState = null;

export const encounterStreamId = (encounterId: string): string => `encounter-${encounterId}`;

export const evolveEncounter = (state: EncounterState, event: EncounterEvent): EncounterState => {
  switch (event.type) {
    case 'EncounterCoded':
      return { ...event.data, diagnoses: [...event.data.diagnoses], lines: [...event.data.lines], claimId: null };
    case 'EncounterBilled':
      return state === null ? state : { ...state, claimId: event.data.claimId };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};
