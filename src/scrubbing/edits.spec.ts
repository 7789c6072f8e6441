import { line, schedule } from '../contracts/contract-fixtures';
import { priceClaim } from '../contracts/pricing';
import { EDITS, scrubClaim, type ScrubClaim } from './edits';
import { BUILT_IN_RULES, parseScrubRules, type EditId, type ScrubRules } from './scrub-rules';

/** A clean claim: a visit with 25 and an ECG for hypertension, sent the day after the visit. */
const claim = (overrides: Partial<ScrubClaim> = {}): ScrubClaim => ({
  payerId: 'payer-acme',
  memberId: 'MBR123',
  dateOfService: '2026-03-02',
  diagnoses: ['E11.9', 'I10'],
  lines: [
    line({ lineNumber: 1, procedureCode: '99213', modifiers: ['25'], diagnosisPointers: [1, 2] }),
    line({ lineNumber: 2, procedureCode: '93000', diagnosisPointers: [2] }),
  ],
  submittedOn: '2026-03-03',
  ...overrides,
});

/** Every edit on at its default severity, with support lists, unit limits and timely filing configured. */
const RULES: ScrubRules = parseScrubRules(
  {
    diagnosisSupport: [
      { procedureCodes: ['93000-93010'], diagnosisPrefixes: ['I', 'R07.9'] },
      { procedureCodes: ['97110'], diagnosisPrefixes: ['M'] },
    ],
    unitsMax: { '97110': 4, '93000': 1 },
    timelyFilingDays: { default: 365, payers: { 'payer-acme': 90 } },
  },
  'spec-rules.json',
);

const idsOf = (c: ScrubClaim, rules: ScrubRules = RULES, expected = priceClaim(c.lines, [schedule()], c.dateOfService)): EditId[] =>
  scrubClaim(c, rules, expected).map((f) => f.editId);
const fires = (id: EditId, c: ScrubClaim, rules: ScrubRules = RULES) => expect(idsOf(c, rules)).toContain(id);
const doesNotFire = (id: EditId, c: ScrubClaim, rules: ScrubRules = RULES) => expect(idsOf(c, rules)).not.toContain(id);
const findingOf = (id: EditId, c: ScrubClaim, rules: ScrubRules = RULES) => scrubClaim(c, rules).find((f) => f.editId === id);

describe('the clean claim', () => {
  it('passes every edit', () => {
    expect(idsOf(claim())).toEqual([]);
  });
});

describe('MEMBER_ID_MISSING (built in)', () => {
  it.each([undefined, '', '   '])('fires for %j', (memberId) => fires('MEMBER_ID_MISSING', claim({ memberId })));
  it('does not fire with a member id', () => doesNotFire('MEMBER_ID_MISSING', claim({ memberId: 'W1' })));
});

describe('DIAGNOSIS_POINTER_MISSING (built in)', () => {
  it('fires for a line with no pointer, naming the line', () => {
    const finding = findingOf('DIAGNOSIS_POINTER_MISSING', claim({ lines: [line({ lineNumber: 3, diagnosisPointers: [] })] }));
    expect(finding).toMatchObject({ severity: 'error', lineNumbers: [3] });
    expect(finding?.message).toMatch(/^Line 3 \(99213\) points at no diagnosis/);
  });
  it('does not fire when every line points somewhere', () => doesNotFire('DIAGNOSIS_POINTER_MISSING', claim()));
});

describe('DIAGNOSIS_POINTER_INVALID (built in)', () => {
  it('fires for a pointer past the diagnoses', () => {
    expect(findingOf('DIAGNOSIS_POINTER_INVALID', claim({ lines: [line({ diagnosisPointers: [1, 3] })] }))?.message).toBe(
      'Line 1 (99213) points at diagnosis 3, but the claim lists only 2 diagnoses.',
    );
  });
  it('fires for pointer 0', () => fires('DIAGNOSIS_POINTER_INVALID', claim({ lines: [line({ diagnosisPointers: [0] })] })));
  it('does not fire for pointers within the list', () => doesNotFire('DIAGNOSIS_POINTER_INVALID', claim()));
});

describe('DATE_OF_SERVICE_IN_FUTURE', () => {
  it('fires for a date of service after the submission date', () => fires('DATE_OF_SERVICE_IN_FUTURE', claim({ dateOfService: '2026-03-04' })));
  it('does not fire on the day of service', () => doesNotFire('DATE_OF_SERVICE_IN_FUTURE', claim({ submittedOn: '2026-03-02' })));
});

describe("TIMELY_FILING_EXCEEDED (the payer's limit, else the default)", () => {
  it('fires past the payer’s 90 days, saying how late', () => {
    const finding = findingOf('TIMELY_FILING_EXCEEDED', claim({ submittedOn: '2026-06-01' }));
    expect(finding?.message).toMatch(/^The claim goes out 91 days after the date of service 2026-03-02; payer-acme accepts claims only within 90 days/);
  });
  it('does not fire on day 90', () => doesNotFire('TIMELY_FILING_EXCEEDED', claim({ submittedOn: '2026-05-31' })));
  it('another payer gets the default (365 days)', () => {
    doesNotFire('TIMELY_FILING_EXCEEDED', claim({ payerId: 'payer-other', submittedOn: '2026-06-01' }));
    fires('TIMELY_FILING_EXCEEDED', claim({ payerId: 'payer-other', submittedOn: '2027-03-03' }));
  });
  it('does not fire with no limit configured', () => doesNotFire('TIMELY_FILING_EXCEEDED', claim({ submittedOn: '2030-01-01' }), parseScrubRules({}, 'empty.json')));
});

describe('DUPLICATE_LINE', () => {
  const ecg = (lineNumber: number, modifiers: string[] = []) => line({ lineNumber, procedureCode: '93000', modifiers, diagnosisPointers: [2] });
  it('fires for two lines with the same code and the same modifiers (in any order), naming both', () => {
    const finding = findingOf('DUPLICATE_LINE', claim({ lines: [ecg(1, ['76', 'LT']), ecg(2), ecg(3, ['LT', '76'])] }));
    expect(finding?.lineNumbers).toEqual([1, 3]);
    expect(finding?.message).toMatch(/^Lines 1 and 3 bill 93000 with modifiers 76, LT on the same date of service/);
  });
  it('does not fire when a repeat modifier tells the lines apart', () => doesNotFire('DUPLICATE_LINE', claim({ lines: [ecg(1), ecg(2, ['76'])] })));
});

describe('MODIFIER_25_NOT_EM', () => {
  it('fires for 25 on a code outside 99202–99499', () => {
    const finding = findingOf('MODIFIER_25_NOT_EM', claim({ lines: [line({ procedureCode: '93000', modifiers: ['25'], diagnosisPointers: [2] })] }));
    expect(finding?.message).toMatch(/^Line 1: modifier 25 goes only on an E\/M visit code \(99202–99499\), and 93000 is not one/);
  });
  it.each(['99202', '99213', '99499'])('does not fire for 25 on %s', (code) => doesNotFire('MODIFIER_25_NOT_EM', claim({ lines: [line({ procedureCode: code, modifiers: ['25'] })] })));
  it('fires just outside the range (99201, 99500)', () => {
    fires('MODIFIER_25_NOT_EM', claim({ lines: [line({ procedureCode: '99201', modifiers: ['25'] })] }));
    fires('MODIFIER_25_NOT_EM', claim({ lines: [line({ procedureCode: '99500', modifiers: ['25'] })] }));
  });
});

describe('MODIFIER_59_WITH_EM_ONLY', () => {
  const visit = line({ lineNumber: 1, procedureCode: '99213', diagnosisPointers: [1] });
  it.each(['59', 'XE', 'XS', 'XP', 'XU'])('fires for %s on an E/M code', (modifier) =>
    fires('MODIFIER_59_WITH_EM_ONLY', claim({ lines: [line({ procedureCode: '99214', modifiers: [modifier] })] })),
  );
  it('fires for 59 on a procedure whose only companions are E/M visits', () => {
    const finding = findingOf('MODIFIER_59_WITH_EM_ONLY', claim({ lines: [visit, line({ lineNumber: 2, procedureCode: '93000', modifiers: ['59'], diagnosisPointers: [2] })] }));
    expect(finding?.lineNumbers).toEqual([2]);
    expect(finding?.message).toMatch(/the only other services on this claim are E\/M visits \(line 1\)/);
  });
  it('does not fire for 59 beside another procedure', () =>
    doesNotFire(
      'MODIFIER_59_WITH_EM_ONLY',
      claim({ lines: [visit, line({ lineNumber: 2, procedureCode: '93000', diagnosisPointers: [2] }), line({ lineNumber: 3, procedureCode: '36415', modifiers: ['59'] })] }),
    ));
  it('does not fire for 59 on a procedure billed alone', () => doesNotFire('MODIFIER_59_WITH_EM_ONLY', claim({ lines: [line({ procedureCode: '20610', modifiers: ['XS'] })] })));
});

describe('DIAGNOSIS_NOT_SUPPORTED', () => {
  it('fires when none of the pointed diagnoses starts with a supporting prefix', () => {
    const finding = findingOf('DIAGNOSIS_NOT_SUPPORTED', claim({ lines: [line({ procedureCode: '93005', diagnosisPointers: [1] })] }));
    expect(finding?.message).toBe(
      'Line 1: 93005 is not supported by the diagnoses it points to (E11.9); the configured policy covers it for I…, R079…. Point the line at a diagnosis that supports it, or check the coding.',
    );
  });
  it('does not fire when one pointed diagnosis is supported (prefixes compare without the dot)', () => {
    doesNotFire('DIAGNOSIS_NOT_SUPPORTED', claim());
    doesNotFire('DIAGNOSIS_NOT_SUPPORTED', claim({ diagnoses: ['E11.9', 'R07.9'] }));
  });
  it('fires for a diagnosis the line does not point to, even if the claim carries a supporting one', () =>
    fires('DIAGNOSIS_NOT_SUPPORTED', claim({ lines: [line({ procedureCode: '97110', diagnosisPointers: [1] })], diagnoses: ['E11.9', 'M54.50'] })));
  it('does not fire for a code no support list names', () => doesNotFire('DIAGNOSIS_NOT_SUPPORTED', claim({ lines: [line({ procedureCode: '36415', diagnosisPointers: [1] })] })));
});

describe('UNITS_EXCEED_MAXIMUM', () => {
  it('fires when the units of one code, summed over its lines, pass the maximum', () => {
    const finding = findingOf(
      'UNITS_EXCEED_MAXIMUM',
      claim({ diagnoses: ['M54.50'], lines: [line({ lineNumber: 1, procedureCode: '97110', units: 3 }), line({ lineNumber: 2, procedureCode: '97110', units: 2, modifiers: ['59'] })] }),
    );
    expect(finding).toMatchObject({ lineNumbers: [1, 2] });
    expect(finding?.message).toMatch(/^97110 is billed for 5 units \(lines 1 and 2\); at most 4 units are payable per date of service/);
  });
  it('does not fire at the maximum', () => doesNotFire('UNITS_EXCEED_MAXIMUM', claim({ diagnoses: ['M54.50'], lines: [line({ procedureCode: '97110', units: 4 })] })));
  it('does not fire for a code with no maximum', () => doesNotFire('UNITS_EXCEED_MAXIMUM', claim({ lines: [line({ procedureCode: '36415', units: 40 })] })));
});

describe('LINE_NOT_ON_FEE_SCHEDULE (a warning)', () => {
  it('fires for a line the payer’s schedule in force does not price', () => {
    const c = claim({ lines: [line({ lineNumber: 1 }), line({ lineNumber: 2, procedureCode: 'G0439' })] });
    const [finding] = scrubClaim(c, RULES, priceClaim(c.lines, [schedule()], c.dateOfService));
    expect(finding).toEqual({
      editId: 'LINE_NOT_ON_FEE_SCHEDULE',
      severity: 'warning',
      message: "Line 2: G0439 is not on payer-acme's fee schedule 2026-01-01, so there is no contract amount to check its payment against.",
      lineNumbers: [2],
    });
  });
  it('does not fire with no schedule in force, or when every line is priced', () => {
    const c = claim({ lines: [line({ procedureCode: 'G0439' })] });
    expect(scrubClaim(c, RULES, null)).toEqual([]);
    doesNotFire('LINE_NOT_ON_FEE_SCHEDULE', claim());
  });
});

describe('which edits run, and at what severity', () => {
  const messy = claim({
    memberId: '',
    dateOfService: '2026-04-01',
    lines: [line({ lineNumber: 1, procedureCode: '93000', modifiers: ['25'], diagnosisPointers: [] }), line({ lineNumber: 2, procedureCode: '93000', modifiers: ['25'], diagnosisPointers: [1] })],
  });

  it('with no rule file only the built-in structural edits run', () => {
    expect([...new Set(idsOf(messy, BUILT_IN_RULES))]).toEqual(['MEMBER_ID_MISSING', 'DIAGNOSIS_POINTER_MISSING']);
    expect(EDITS.filter((e) => e.builtIn).map((e) => e.id)).toEqual(['MEMBER_ID_MISSING', 'DIAGNOSIS_POINTER_MISSING', 'DIAGNOSIS_POINTER_INVALID']);
  });

  it('with a rule file every edit runs, reported in a fixed order', () => {
    expect(idsOf(messy)).toEqual([
      'MEMBER_ID_MISSING',
      'DIAGNOSIS_POINTER_MISSING',
      'DATE_OF_SERVICE_IN_FUTURE',
      'DUPLICATE_LINE',
      'MODIFIER_25_NOT_EM',
      'MODIFIER_25_NOT_EM',
      'DIAGNOSIS_NOT_SUPPORTED',
      'UNITS_EXCEED_MAXIMUM',
    ]);
  });

  it('the rule file may lower an edit to a warning or turn it off', () => {
    const rules = parseScrubRules({ edits: { MODIFIER_25_NOT_EM: 'warning', DUPLICATE_LINE: 'off', MEMBER_ID_MISSING: 'off' } }, 'lenient.json');
    const findings = scrubClaim(messy, rules);
    expect(findings.filter((f) => f.editId === 'MODIFIER_25_NOT_EM').map((f) => f.severity)).toEqual(['warning', 'warning']);
    expect(findings.map((f) => f.editId)).not.toContain('DUPLICATE_LINE');
    expect(findings.map((f) => f.editId)).not.toContain('MEMBER_ID_MISSING');
  });

  it('every edit has a default severity and a summary', () => {
    for (const edit of EDITS) {
      expect(['error', 'warning']).toContain(edit.severity);
      expect(edit.summary.length).toBeGreaterThan(10);
    }
  });
});
