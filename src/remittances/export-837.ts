/**
 * Builds a 005010X222A1 837P (professional claim) for one claim with node-x12's generator, which
 * computes SE01/GE01/IEA01 and parses its own output back strictly before returning it. Pure:
 * the claim, the control number and the time come in as data.
 *
 * What the ledger does not hold (the practice's name and address, its tax id, the patient's
 * name and demographics) comes from an export profile; the defaults are placeholders, named
 * as such, so a file built with them is for testing, not for a payer.
 */
import { JSEDINotation, X12Generator } from 'node-x12';
import type { X12SerializationOptions } from 'node-x12';
import { RuleViolation } from '../common/errors';
import type { Cents } from '../common/money';
import { totalChargeCents, type Claim } from '../claims/claim';

/** The 837P implementation guide this builds. */
export const IMPLEMENTATION_GUIDE_837P = '005010X222A1';

/** Who sends the file and bills the claim: what an 837P needs that the ledger does not record. */
export interface Export837Profile {
  submitterId: string;
  submitterName: string;
  contactName: string;
  contactPhone: string;
  billingProviderName: string;
  billingProviderAddress: { line: string; city: string; state: string; postalCode: string };
  billingProviderTaxId: string;
  /** CLM05-1 place of service (11 office). */
  placeOfService: string;
  /** SBR09 claim filing indicator (CI commercial, MB Medicare Part B, MC Medicaid). */
  claimFilingIndicator: string;
  /** ISA15: T test, P production. */
  usage: 'T' | 'P';
}

/** Placeholders (test usage): a payer would reject a production file built with these. */
export const PLACEHOLDER_PROFILE: Export837Profile = {
  submitterId: 'BILLINGLEDGER',
  submitterName: 'BILLING LEDGER',
  contactName: 'BILLING OFFICE',
  contactPhone: '5555550100',
  billingProviderName: 'BILLING PROVIDER',
  billingProviderAddress: { line: '1 PLACEHOLDER ST', city: 'NOWHERE', state: 'NY', postalCode: '100010001' },
  billingProviderTaxId: '000000000',
  placeOfService: '11',
  claimFilingIndicator: 'CI',
  usage: 'T',
};

export interface Build837Input {
  claim: Claim;
  /** CLP07 of the payer's last adjudication: what a replacement (7) or a void (8) quotes in REF*F8. */
  payerClaimControlNumber?: string;
  /** ISA13 / GS06 / ST02: 1 to 999,999,999. */
  controlNumber: number;
  /** When the file is created (ISO instant): ISA09/10, GS04/05, BHT04/05. */
  createdAt: string;
  profile?: Export837Profile;
}

export interface Built837 {
  text: string;
  frequencyCode: '1' | '7' | '8';
  totalChargeCents: Cents;
  /** Segments from ST to SE, as SE01 counts them. */
  transactionSegmentCount: number;
}

const OPTIONS: X12SerializationOptions = {
  elementDelimiter: '*',
  segmentTerminator: '~',
  subElementDelimiter: ':',
  repetitionDelimiter: '^',
  endOfLine: '\n',
  format: true,
};

/** Integer cents as an X12 decimal: 15000 → "150.00". */
export const formatCents = (cents: Cents): string => {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
};

/** X12 identifiers are upper case and carry no delimiter characters. */
const x12Text = (value: string, max: number): string => value.toUpperCase().replace(/[*~:^]/g, ' ').slice(0, max);

/**
 * The frequency code the payer must see: a resubmission of a claim the payer never adjudicated
 * (a front-end rejection) is an original to the payer, since there is nothing to replace.
 */
export const frequencyFor = (claim: Claim, payerClaimControlNumber: string | undefined): '1' | '7' | '8' => {
  if (claim.frequencyCode === '8') {
    if (payerClaimControlNumber === undefined) {
      throw new RuleViolation('PAYER_CLAIM_CONTROL_NUMBER_UNKNOWN', `claim ${claim.claimId} is voided but the payer never adjudicated it: there is no payer claim control number to void`);
    }
    return '8';
  }
  if (claim.frequencyCode === '7' && payerClaimControlNumber !== undefined) return '7';
  return '1';
};

export const build837P = (input: Build837Input): Built837 => {
  const { claim } = input;
  const profile = input.profile ?? PLACEHOLDER_PROFILE;
  const frequencyCode = frequencyFor(claim, input.payerClaimControlNumber);
  const total = totalChargeCents(claim.lines);
  const created = input.createdAt;
  const date8 = `${created.slice(0, 4)}${created.slice(5, 7)}${created.slice(8, 10)}`;
  const time4 = `${created.slice(11, 13)}${created.slice(14, 16)}`;
  const control = String(input.controlNumber);
  const receiverId = x12Text(claim.payerId, 15);

  const jsen = new JSEDINotation(
    ['00', '', '00', '', 'ZZ', x12Text(profile.submitterId, 15), 'ZZ', receiverId, date8.slice(2), time4, '^', '00501', control.padStart(9, '0'), '0', profile.usage, ':'],
    OPTIONS,
  );
  const group = jsen.addFunctionalGroup(['HC', x12Text(profile.submitterId, 15), receiverId, date8, time4, control, 'X', IMPLEMENTATION_GUIDE_837P]);
  const st = group.addTransaction(['837', control.padStart(4, '0'), IMPLEMENTATION_GUIDE_837P]);
  const add = (tag: string, ...elements: string[]): void => void st.addSegment(tag, elements);

  add('BHT', '0019', '00', x12Text(claim.claimId, 50), date8, time4, 'CH');
  // 1000A submitter, 1000B receiver
  add('NM1', '41', '2', x12Text(profile.submitterName, 60), '', '', '', '', '46', x12Text(profile.submitterId, 80));
  add('PER', 'IC', x12Text(profile.contactName, 60), 'TE', profile.contactPhone);
  add('NM1', '40', '2', x12Text(claim.payerId, 60), '', '', '', '', '46', receiverId);
  // 2000A/2010AA billing provider
  add('HL', '1', '', '20', '1');
  add('NM1', '85', '2', x12Text(profile.billingProviderName, 60), '', '', '', '', 'XX', claim.providerNpi);
  add('N3', x12Text(profile.billingProviderAddress.line, 55));
  add('N4', x12Text(profile.billingProviderAddress.city, 30), profile.billingProviderAddress.state, profile.billingProviderAddress.postalCode);
  add('REF', 'EI', profile.billingProviderTaxId);
  // 2000B/2010BA subscriber (the patient), 2010BB payer. The ledger keeps ids, not names: the patient id stands for the name.
  add('HL', '2', '1', '22', '0');
  add('SBR', 'P', '18', '', '', '', '', '', '', profile.claimFilingIndicator);
  add('NM1', 'IL', '1', x12Text(claim.patientId, 60), '', '', '', '', 'MI', x12Text(claim.memberId, 80));
  add('NM1', 'PR', '2', x12Text(claim.payerId, 60), '', '', '', '', 'PI', x12Text(claim.payerId, 80));
  // 2300 claim: CLM05 = place of service : B (professional) : frequency
  add('CLM', x12Text(claim.claimId, 38), formatCents(total), '', '', `${profile.placeOfService}:B:${frequencyCode}`, 'Y', 'A', 'Y', 'Y');
  if (frequencyCode !== '1' && input.payerClaimControlNumber !== undefined) add('REF', 'F8', x12Text(input.payerClaimControlNumber, 50));
  add('HI', ...claim.diagnoses.map((code, i) => `${i === 0 ? 'ABK' : 'ABF'}:${code.replace('.', '')}`));
  // 2400 service lines: REF*6R carries our line number, so the 835 names the line back.
  [...claim.lines].sort((a, b) => a.lineNumber - b.lineNumber).forEach((line, index) => {
    add('LX', String(index + 1));
    add(
      'SV1',
      ['HC', line.procedureCode, ...line.modifiers].join(':'),
      formatCents(line.chargeCents),
      'UN',
      String(line.units),
      '',
      '',
      line.diagnosisPointers.join(':'),
    );
    add('DTP', '472', 'D8', claim.dateOfService.replace(/-/g, ''));
    add('REF', '6R', String(line.lineNumber));
  });
  const generator = new X12Generator(jsen, OPTIONS);
  const text = `${generator.toString()}\n`;
  return { text, frequencyCode, totalChargeCents: total, transactionSegmentCount: st.segments.length + 2 };
};
