import { read835, toCents } from './read-835';
import { readX12 } from './x12-reader';
import { header, x835 } from './x12-test-text';

const read = async (text: string) => read835(await readX12(text));
const codes = (problems: ReadonlyArray<{ code: string; position: { segment: number } }>) => problems.map((p) => [p.code, p.position.segment]);

describe('toCents', () => {
  it.each([
    ['150', 15_000],
    ['150.00', 15_000],
    ['1766.5', 176_650],
    ['.5', 50],
    ['-42.58', -4_258],
    ['0', 0],
    ['-0', 0],
    ['12.340', 1_234],
  ])('%s is %d cents', (value, cents) => expect(toCents(value)).toBe(cents));

  it.each(['', '1.234', 'abc', '1,50', '-', '.'])('"%s" is not an amount', (value) => expect(toCents(value)).toBeUndefined());
});

describe('read835', () => {
  const payment = [
    ...header('95.00'),
    'CLP*C1*1*200.00*95.00*45.00*12*PCN-1',
    'CAS*OA*94*-5.00',
    'NM1*QC*1*DOE*JANE****MI*MBR1',
    'MOA***MA01*MA02',
    'SVC*HC:99213:25:59*150.00*80.00**1',
    'DTM*472*20260302',
    'CAS*CO*45*30.00*1*42*5.00',
    'CAS*PR*1*20.00**2*15.00',
    'REF*6R*1',
    'LQ*HE*N130',
    'LQ*RG*1234',
    'SVC*HC:93000*50.00*10.00**1*HC:93010',
    'CAS*CO*45*40.00',
    'PLB*1234567893*20261231*L6:PCN-1*-2.50*WO*7.50',
  ];

  it('reads the payment, the claim, its lines, every CAS triplet, remarks, REF*6R, SVC06 and the PLB pairs', async () => {
    const result = await read(x835(payment));
    expect(result.problems).toEqual([]);
    const [transaction] = result.transactions;
    expect(transaction?.problems).toEqual([]);
    const advice = transaction?.advice;
    expect(advice).toMatchObject({ traceNumber: 'TRN-1', payerIdentifier: '1512345678', paidCents: 9_500, paymentMethod: 'CHK', paymentDate: '2026-03-01', version: '005010X221A1' });
    expect(advice?.claims).toHaveLength(1);
    const claim = advice?.claims[0];
    expect(claim).toMatchObject({
      claimId: 'C1',
      statusCode: '1',
      chargeCents: 20_000,
      paidCents: 9_500,
      patientResponsibilityCents: 4_500,
      payerClaimControlNumber: 'PCN-1',
      adjustments: [{ group: 'OA', reason: '94', amountCents: -500 }],
      remarks: ['MA01', 'MA02'],
      memberId: 'MBR1',
      position: { segment: 9, transactionSegment: 7, tag: 'CLP' },
    });
    expect(claim?.lines[0]).toMatchObject({
      procedureCode: '99213',
      modifiers: ['25', '59'],
      chargeCents: 15_000,
      paidCents: 8_000,
      lineControlNumber: '1',
      serviceDate: '2026-03-02',
      remarks: ['N130'],
      adjustments: [
        { group: 'CO', reason: '45', amountCents: 3_000, quantity: '1' },
        { group: 'CO', reason: '42', amountCents: 500 },
        { group: 'PR', reason: '1', amountCents: 2_000 },
        { group: 'PR', reason: '2', amountCents: 1_500 },
      ],
    });
    expect(claim?.lines[1]).toMatchObject({ procedureCode: '93000', submittedProcedureCode: '93010' });
    expect(advice?.providerAdjustments).toEqual([
      expect.objectContaining({ providerId: '1234567893', fiscalPeriodDate: '2026-12-31', reasonCode: 'L6', reference: 'PCN-1', amountCents: -250 }),
      expect.objectContaining({ reasonCode: 'WO', amountCents: 750 }),
    ]);
    // LQ*RG is an NCPDP reject code, not a remark: said so, not silently dropped.
    expect(result.warnings.map((w) => w.code)).toEqual(['REMARK_NOT_KEPT']);
  });

  it('reads a file with a byte order mark, CRLF line ends and indented segments as it reads the clean one', async () => {
    const clean = await read(x835(payment));
    const messy = await read(`\uFEFF${x835(payment).split('\n').map((s) => `   ${s}`).join('\r\n')}\r\n`);
    expect(messy.transactions.map((t) => t.advice)).toEqual(clean.transactions.map((t) => t.advice));
    expect(messy.transactions[0]?.contentDigest).toBe(clean.transactions[0]?.contentDigest);
    expect(messy.warnings.map((w) => w.code)).toContain('BYTE_ORDER_MARK');
  });

  it('reads composites separated by another character than ISA16 declares, and warns', async () => {
    const result = await read(x835([...header('10.00'), 'CLP*C1*1*10*10**12', 'SVC*HC>99213>25*10*10**1']));
    expect(result.transactions[0]?.advice.claims[0]?.lines[0]).toMatchObject({ qualifier: 'HC', procedureCode: '99213', modifiers: ['25'] });
    expect(result.warnings.map((w) => [w.code, w.position.tag])).toEqual([['COMPONENT_SEPARATOR_MISMATCH', 'SVC']]);
  });

  it('checks the envelope: SE01, SE02, GE01, GE02, IEA01, IEA02 and missing trailers, each at its segment', async () => {
    const good = x835([...header('0'), 'CLP*C1*1*0*0**12']).split('\n');
    const bad = good.map((s) => s.replace(/^SE\*\d+\*0001/, 'SE*99*0002').replace(/^GE\*1\*1/, 'GE*2*7').replace(/^IEA\*1\*000000001/, 'IEA*3*000000009')).join('\n');
    const result = await read(bad);
    expect(codes(result.problems)).toEqual([
      ['TRANSACTION_COUNT_MISMATCH', 11],
      ['CONTROL_NUMBER_MISMATCH', 11],
      ['GROUP_COUNT_MISMATCH', 12],
      ['CONTROL_NUMBER_MISMATCH', 12],
    ]);
    expect(codes(result.transactions[0]?.problems ?? [])).toEqual([
      ['SEGMENT_COUNT_MISMATCH', 10],
      ['CONTROL_NUMBER_MISMATCH', 10],
    ]);

    const truncated = await read(good.slice(0, 9).join('\n'));
    expect(codes([...truncated.problems, ...(truncated.transactions[0]?.problems ?? [])])).toEqual([
      ['GE_MISSING', 2],
      ['IEA_MISSING', 1],
      ['SE_MISSING', 3],
    ]);
  });

  it('reads a bare transaction set (no ISA/GS) and reports the missing envelope', async () => {
    const bare = x835([...header('10.00'), 'CLP*C1*1*10*10**12']).split('\n').slice(2, -2).join('');
    const result = await read(bare);
    expect(codes(result.problems)).toEqual([['ENVELOPE_MISSING', 1]]);
    expect(result.transactions[0]?.advice.claims.map((c) => c.claimId)).toEqual(['C1']);
    expect(result.transactions[0]?.problems).toEqual([]);
  });

  it('refuses what is not an 5010 835: another transaction set, a 4010 version, text that is not X12', async () => {
    const claim = await read(x835([...header('0')], { st: '837' }));
    expect(claim.transactions[0]?.problems.map((p) => p.code)).toEqual(['NOT_AN_835']);
    const old = await read(x835(header('0')).replace('005010X221A1', '004010X091A1'));
    expect(old.transactions[0]?.problems.map((p) => p.code)).toEqual(['UNSUPPORTED_VERSION']);
    expect((await read('{"not": "x12"}')).problems.map((p) => p.code)).toEqual(['NOT_X12']);
  });

  it('reports amounts that are not dollars and cents, and CAS with a reason but no amount, at their segments', async () => {
    const result = await read(x835([...header('10.00'), 'CLP*C1*1*10.001*10**12', 'CAS*CO*45', 'SVC*HC:99213*ten*10**1']));
    expect(codes(result.transactions[0]?.problems ?? [])).toEqual([
      ['INVALID_AMOUNT', 9],
      ['AMOUNT_MISSING', 10],
      ['INVALID_AMOUNT', 11],
    ]);
  });
});
