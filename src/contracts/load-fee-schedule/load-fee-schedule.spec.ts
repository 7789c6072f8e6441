import { given } from '../../common/decider-spec';
import { DuplicateId, InvalidInput } from '../../common/errors';
import { feeScheduleLoaded, MODIFIER_RULES, PAYER_ID, ROWS } from '../contract-fixtures';
import { evolveFeeSchedules, initialFeeSchedules, type FeeScheduleLoaded } from '../fee-schedule';
import { ALLOWED_CENTS_MAX, FEE_SCHEDULE_ROWS_MAX, loadFeeSchedule, MODIFIER_RULES_MAX, type LoadFeeSchedule } from './load-fee-schedule';

const command = (overrides: Partial<LoadFeeSchedule> = {}): LoadFeeSchedule => ({
  payerId: PAYER_ID,
  effectiveFrom: '2026-01-01',
  rows: ROWS.map((row) => ({ ...row })),
  modifierRules: MODIFIER_RULES.map((rule) => ({ ...rule })),
  loadedAt: '2025-12-15T09:00:00Z',
  ...overrides,
});

const givenSchedules = (...events: FeeScheduleLoaded[]) => given(evolveFeeSchedules, initialFeeSchedules, events);
const fieldsOf = (error: InvalidInput): string[] => error.errors.map((e) => e.field);

describe('loadFeeSchedule', () => {
  it('loads the rows and modifier rules as one FeeScheduleLoaded, id defaulting to the effective date', () => {
    givenSchedules().when((state) => loadFeeSchedule(command(), state)).then([feeScheduleLoaded()]);
  });

  it('keeps the given id, the end date and the source file name', () => {
    givenSchedules()
      .when((state) => loadFeeSchedule(command({ scheduleId: 'acme-2026', effectiveTo: '2026-12-31', sourceName: 'acme.csv' }), state))
      .then([feeScheduleLoaded({ scheduleId: 'acme-2026', effectiveTo: '2026-12-31', sourceName: 'acme.csv' })]);
  });

  it('a second schedule with the same effective date (an amendment) gets the next free default id', () => {
    givenSchedules(feeScheduleLoaded(), feeScheduleLoaded({ scheduleId: '2026-01-01.2' }))
      .when((state) => loadFeeSchedule(command(), state))
      .then([feeScheduleLoaded({ scheduleId: '2026-01-01.3' })]);
  });

  it('may overlap an earlier schedule: the choice is made by date of service when a claim is priced', () => {
    const [event] = loadFeeSchedule(command({ effectiveFrom: '2026-07-01' }), givenSchedules(feeScheduleLoaded()).state);
    expect(event?.data.scheduleId).toBe('2026-07-01');
  });

  it('409 FEE_SCHEDULE_EXISTS when the given id is taken', () => {
    givenSchedules(feeScheduleLoaded({ scheduleId: 'acme-2026' }))
      .when((state) => loadFeeSchedule(command({ scheduleId: 'acme-2026' }), state))
      .thenThrows(DuplicateId, 'FEE_SCHEDULE_EXISTS');
  });

  it('400 listing every problem: dates, id, codes, cents, units policy, duplicate rows, modifier rules', () => {
    const error = givenSchedules()
      .when((state) =>
        loadFeeSchedule(
          command({
            scheduleId: 'has space',
            effectiveFrom: '2026-02-30',
            rows: [
              { procedureCode: '9921', allowedCents: 100, unitsPolicy: 'per_unit' },
              { procedureCode: '99213', modifier: '2', allowedCents: -1, unitsPolicy: 'per_unit' },
              { procedureCode: '93000', allowedCents: 1.5, unitsPolicy: 'per_visit' as never },
              { procedureCode: '93000', allowedCents: ALLOWED_CENTS_MAX + 1, unitsPolicy: 'per_unit' },
            ],
            modifierRules: [
              { modifier: '50', kind: 'percent', basisPoints: -1 },
              { modifier: '50', kind: 'fixed', amountCents: 0.5 },
            ],
          }),
          state,
        ),
      )
      .thenThrows(InvalidInput);
    expect(fieldsOf(error)).toEqual([
      'effectiveFrom',
      'scheduleId',
      'rows[0].procedureCode',
      'rows[1].modifier',
      'rows[1].allowedCents',
      'rows[2].allowedCents',
      'rows[2].unitsPolicy',
      'rows[3].allowedCents',
      'rows[3]',
      'modifierRules[0].basisPoints',
      'modifierRules[1].modifier',
      'modifierRules[1].amountCents',
    ]);
    expect(error.errors.find((e) => e.field === 'rows[3]')?.message).toBe('93000 is already priced by rows[2]');
  });

  it('400 when the range ends before it starts', () => {
    const error = givenSchedules().when((state) => loadFeeSchedule(command({ effectiveTo: '2025-12-31' }), state)).thenThrows(InvalidInput);
    expect(fieldsOf(error)).toEqual(['effectiveTo']);
  });

  it(`400 with no rows, or more than ${FEE_SCHEDULE_ROWS_MAX}; more than ${MODIFIER_RULES_MAX} modifier rules`, () => {
    expect(fieldsOf(givenSchedules().when((s) => loadFeeSchedule(command({ rows: [] }), s)).thenThrows(InvalidInput))).toEqual(['rows']);
    const many = Array.from({ length: MODIFIER_RULES_MAX + 1 }, (_, i) => ({ modifier: `A${i % 10}`, kind: 'percent' as const, basisPoints: 10_000 }));
    expect(fieldsOf(givenSchedules().when((s) => loadFeeSchedule(command({ modifierRules: many }), s)).thenThrows(InvalidInput))).toContain('modifierRules');
  });

  it('a row per modifier is not a duplicate of the plain row (73630 and 73630-26)', () => {
    const [event] = loadFeeSchedule(command(), givenSchedules().state);
    expect(event?.data.rows.filter((r) => r.procedureCode === '73630')).toHaveLength(2);
  });
});
