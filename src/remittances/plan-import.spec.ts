import { CLAIM_ID, claimAfter, remitted, rejected, submitted } from '../claims/claim-fixtures';
import type { Claim, ClaimFoldEvent } from '../claims/claim';
import { claimEventId, planImport, type ClaimContext, type ImportPlan, type RemittanceStreamContext } from './plan-import';
import { read835 } from './read-835';
import { readX12 } from './x12-reader';
import { header, x835 } from './x12-test-text';

/**
 * What an 835 posts, decided against claims given as events (the claim fixtures: lines
 * 1 99213-25 $150, 2 93000 $75, 3 G0439 $175; $400 in all). Nothing is stored: the plan is data.
 */

const NOW = '2026-04-01T00:00:00.000Z';
const FULL_LINES = ['SVC*HC:99213:25*150*150**1', 'SVC*HC:93000*75*75**1', 'SVC*HC:G0439*175*175**1'];

const contextOf = (events: readonly ClaimFoldEvent[], eventIds: readonly string[] = []): ClaimContext => {
  const state: Claim = claimAfter(...events);
  const payments = events.flatMap((e) =>
    e.type === 'RemittancePosted'
      ? [{ remittanceId: e.data.remittanceId, paidCents: e.data.paidCents, ...(e.data.payerClaimControlNumber !== undefined && { payerClaimControlNumber: e.data.payerClaimControlNumber }) }]
      : [],
  );
  return { state, eventIds: new Set(eventIds), payments };
};

const plan = async (
  body: string[],
  claims: Record<string, ClaimContext>,
  options: { partial?: boolean; streams?: Record<string, RemittanceStreamContext> } = {},
): Promise<ImportPlan> =>
  planImport(read835(await readX12(x835(body))), new Map(Object.entries(claims)), new Map(Object.entries(options.streams ?? {})), {
    partial: options.partial ?? false,
    now: NOW,
  });

const claimEvents = (p: ImportPlan) => (p.appends.get(`claim-${CLAIM_ID}`) ?? []).map((e) => [e.type, e.data]);
const problemCodes = (p: ImportPlan) => p.problems.map((x) => [x.code, x.position.tag]);

describe('planImport', () => {
  it('maps a paid CLP loop to RemittancePosted, lines by procedure code and order, with a remittance id from TRN02, CLP07 and CLP02', async () => {
    const p = await plan([...header('400.00'), `CLP*${CLAIM_ID}*1*400*400**12*ICN-1`, ...FULL_LINES], { [CLAIM_ID]: contextOf([submitted()]) });
    expect(p.rejected).toBe(false);
    expect(p.problems).toEqual([]);
    expect(claimEvents(p)).toEqual([
      [
        'RemittancePosted',
        {
          claimId: CLAIM_ID,
          remittanceId: '835:TRN-1:ICN-1:1',
          payerClaimControlNumber: 'ICN-1',
          paidCents: 40_000,
          lines: [
            { lineNumber: 1, paidCents: 15_000, adjustments: [] },
            { lineNumber: 2, paidCents: 7_500, adjustments: [] },
            { lineNumber: 3, paidCents: 17_500, adjustments: [] },
          ],
          receivedAt: '2026-03-01T00:00:00.000Z',
        },
      ],
    ]);
    expect(p.appends.get(`claim-${CLAIM_ID}`)?.[0]?.id).toBe(claimEventId(CLAIM_ID, '835:TRN-1:ICN-1:1', 0));
    expect(p.appends.get('remittance-TRN-1')?.map((e) => e.type)).toEqual(['RemittanceAdviceReceived']);
  });

  it('maps SVC loops by REF*6R when it names a line, whatever their order', async () => {
    const body = [...header('400.00'), `CLP*${CLAIM_ID}*1*400*400**12*ICN-1`, 'SVC*HC:G0439*175*175**1', 'REF*6R*3', 'SVC*HC:99213:25*150*150**1', 'REF*6R*1', 'SVC*HC:93000*75*75**1', 'REF*6R*2'];
    const p = await plan(body, { [CLAIM_ID]: contextOf([submitted()]) });
    expect((claimEvents(p)[0]?.[1] as { lines: Array<{ lineNumber: number }> }).lines.map((l) => l.lineNumber)).toEqual([3, 1, 2]);
    expect(p.warnings).toEqual([]);
  });

  it('posts the paid lines and records a zero-paid line with only CO adjustments as a line denial', async () => {
    const body = [...header('225.00'), `CLP*${CLAIM_ID}*1*400*225**12*ICN-1`, FULL_LINES[0] as string, FULL_LINES[1] as string, 'SVC*HC:G0439*175*0**1', 'CAS*CO*50*175', 'LQ*HE*N115'];
    const p = await plan(body, { [CLAIM_ID]: contextOf([submitted()]) });
    expect(p.claims.map((c) => c.outcome)).toEqual(['partially_denied']);
    expect(claimEvents(p).map(([type, data]) => [type, (data as { remittanceId: string }).remittanceId, (data as { lineNumbers?: number[] }).lineNumbers])).toEqual([
      ['RemittancePosted', '835:TRN-1:ICN-1:1', undefined],
      ['DenialReceived', '835:TRN-1:ICN-1:1:denied', [3]],
    ]);
    expect(claimEvents(p)[1]?.[1]).toMatchObject({ adjustments: [{ group: 'CO', reason: '50', amountCents: 17_500 }], remarks: ['N115'] });
  });

  it('posts a zero-paid line the patient owes (PR) as a payment, not a denial', async () => {
    const body = [...header('225.00'), `CLP*${CLAIM_ID}*1*400*225*175*12`, FULL_LINES[0] as string, FULL_LINES[1] as string, 'SVC*HC:G0439*175*0**1', 'CAS*PR*1*175'];
    const p = await plan(body, { [CLAIM_ID]: contextOf([submitted()]) });
    expect(claimEvents(p).map(([type]) => type)).toEqual(['RemittancePosted']);
  });

  it('records CLP02 4 without service lines as a whole-claim denial', async () => {
    const p = await plan([...header('0'), `CLP*${CLAIM_ID}*4*400*0**12*ICN-9`, 'CAS*CO*16*400', 'MOA***N130'], { [CLAIM_ID]: contextOf([submitted()]) });
    expect(claimEvents(p)).toEqual([
      [
        'DenialReceived',
        {
          claimId: CLAIM_ID,
          remittanceId: '835:TRN-1:ICN-9:4',
          payerClaimControlNumber: 'ICN-9',
          adjustments: [{ group: 'CO', reason: '16', amountCents: 40_000 }],
          remarks: ['N130'],
          receivedAt: '2026-03-01T00:00:00.000Z',
        },
      ],
    ]);
  });

  it('reverses (CLP02 22) the standing payment with the same CLP07, and only when the amounts match', async () => {
    const paid = remitted({ remittanceId: 'era-1', payerClaimControlNumber: 'ICN-1' });
    const context = { [CLAIM_ID]: contextOf([submitted(), paid]) };
    const reversal = (dollars: string, icn = 'ICN-1') => [...header(`-${dollars}`), `CLP*${CLAIM_ID}*22*-400*-${dollars}**12*${icn}`, 'CAS*CO*45*-120', 'CAS*PR*3*-40'];
    const p = await plan(reversal('240'), context);
    expect(claimEvents(p)).toEqual([['RemittanceReversed', { claimId: CLAIM_ID, remittanceId: 'era-1', reversedAt: '2026-03-01T00:00:00.000Z' }]]);
    expect(problemCodes(await plan(reversal('200'), context))).toEqual([['CLAIM_UNBALANCED', 'CLP']]);
    const mismatch = await plan([...header('-200'), `CLP*${CLAIM_ID}*22*-400*-200**12*ICN-1`, 'CAS*CO*45*-200'], context);
    expect(problemCodes(mismatch)).toEqual([['REVERSAL_AMOUNT_MISMATCH', 'CLP']]);
    expect(problemCodes(await plan(reversal('240', 'ICN-OTHER'), context))).toEqual([['REVERSED_PAYMENT_NOT_FOUND', 'CLP']]);
  });

  it('posts CLP02 19 as a payment and records the forwarding; records 23 and 25 as status only', async () => {
    const body = [
      ...header('400.00'),
      `CLP*${CLAIM_ID}*19*400*400**12*ICN-1`,
      ...FULL_LINES,
      'CLP*clm-other*25*400*0**12*ICN-2',
      'CAS*OA*101*400',
    ];
    const p = await plan(body, { [CLAIM_ID]: contextOf([submitted()]), 'clm-other': contextOf([submitted({ claimId: 'clm-other' })]) });
    expect(p.claims.map((c) => [c.claimId, c.outcome, c.events])).toEqual([
      [CLAIM_ID, 'posted', ['RemittancePosted', 'PayerClaimStatusReported']],
      ['clm-other', 'status_recorded', ['PayerClaimStatusReported']],
    ]);
    expect(p.appends.get('claim-clm-other')).toBeUndefined();
    expect(p.appends.get('remittance-TRN-1')?.map((e) => [e.type, (e.data as { statusCode?: string }).statusCode])).toEqual([
      ['RemittanceAdviceReceived', undefined],
      ['PayerClaimStatusReported', '19'],
      ['PayerClaimStatusReported', '25'],
    ]);
    const paidStatus = await plan([...header('10'), `CLP*${CLAIM_ID}*23*400*10**12`, 'CAS*OA*109*390'], { [CLAIM_ID]: contextOf([submitted()]) });
    expect(problemCodes(paidStatus)).toEqual([['STATUS_WITH_PAYMENT', 'CLP']]);
    const unknownStatus = await plan([...header('0'), `CLP*${CLAIM_ID}*5*400*0**12`, 'CAS*OA*109*400'], { [CLAIM_ID]: contextOf([submitted()]) });
    expect(problemCodes(unknownStatus)).toEqual([['UNSUPPORTED_CLAIM_STATUS', 'CLP']]);
  });

  it('checks the transition with the real decider: a rejected claim takes no remittance', async () => {
    const p = await plan([...header('400.00'), `CLP*${CLAIM_ID}*1*400*400**12`, ...FULL_LINES], { [CLAIM_ID]: contextOf([submitted(), rejected()]) });
    expect(p.rejected).toBe(true);
    expect(problemCodes(p)).toEqual([['INVALID_CLAIM_STATUS', 'CLP']]);
    expect(p.appends.size).toBe(0);
  });

  it('refuses what cannot be matched: a line charging otherwise, a line the claim lacks, a multi-line claim without SVC detail', async () => {
    const context = { [CLAIM_ID]: contextOf([submitted()]) };
    const charge = await plan([...header('400.00'), `CLP*${CLAIM_ID}*1*400*400**12`, 'SVC*HC:99213:25*151*151**1', 'SVC*HC:93000*74*74**1', FULL_LINES[2] as string], context);
    expect(problemCodes(charge)).toEqual([
      ['LINE_CHARGE_MISMATCH', 'SVC'],
      ['LINE_CHARGE_MISMATCH', 'SVC'],
    ]);
    const unmatched = await plan([...header('400.00'), `CLP*${CLAIM_ID}*1*400*400**12`, 'SVC*HC:99999*400*400**1'], context);
    expect(problemCodes(unmatched)).toEqual([['UNMATCHED_SERVICE_LINE', 'SVC']]);
    const noLines = await plan([...header('400.00'), `CLP*${CLAIM_ID}*1*400*400**12`], context);
    expect(problemCodes(noLines)).toEqual([['NO_SERVICE_LINES', 'CLP']]);
  });

  it('skips a CLP loop whose events are already stored, and plans nothing for it', async () => {
    const body = [...header('400.00'), `CLP*${CLAIM_ID}*1*400*400**12*ICN-1`, ...FULL_LINES];
    const first = await plan(body, { [CLAIM_ID]: contextOf([submitted()]) });
    const ids = [...first.appends.values()].flat().map((e) => e.id);
    const again = await plan(body, { [CLAIM_ID]: contextOf([submitted()], ids) }, { streams: { 'TRN-1': { eventIds: new Set(ids), contentDigest: '' } } });
    expect(again.claims.map((c) => c.outcome)).toEqual(['already_imported']);
  });

  it('refuses a payment that does not balance (BPR02 ≠ Σ CLP04 − Σ PLB) and a trace number reused with other content', async () => {
    const body = [...header('399.00'), `CLP*${CLAIM_ID}*1*400*400**12*ICN-1`, ...FULL_LINES];
    const unbalanced = await plan(body, { [CLAIM_ID]: contextOf([submitted()]) }, { partial: true });
    expect(problemCodes(unbalanced)).toEqual([['PAYMENT_UNBALANCED', 'BPR']]);
    // Even with partial, a payment that does not balance posts none of its claims.
    expect(unbalanced.claims.map((c) => c.outcome)).toEqual(['not_posted']);
    expect(unbalanced.appends.size).toBe(0);

    const withPlb = await plan([...body.map((s) => s.replace('399.00', '390.00')), 'PLB*1234567893*20261231*WO:X*10'], { [CLAIM_ID]: contextOf([submitted()]) });
    expect(withPlb.problems).toEqual([]);

    const reused = await plan(body.map((s) => s.replace('399.00', '400.00')), { [CLAIM_ID]: contextOf([submitted()]) }, { streams: { 'TRN-1': { eventIds: new Set(), contentDigest: 'another' } } });
    expect(problemCodes(reused)).toEqual([['TRACE_NUMBER_REUSED', 'TRN']]);
  });

  it('with partial, posts the claims that pass and reports the rest', async () => {
    const body = [...header('500.00'), `CLP*${CLAIM_ID}*1*400*400**12*ICN-1`, ...FULL_LINES, 'CLP*clm-unknown*1*100*100**12', 'SVC*HC:99213*100*100**1'];
    const context = { [CLAIM_ID]: contextOf([submitted()]) };
    const whole = await plan(body, context);
    expect([whole.rejected, whole.appends.size, whole.claims.map((c) => c.outcome)]).toEqual([true, 0, ['not_posted', 'rejected']]);
    const partial = await plan(body, context, { partial: true });
    expect([partial.rejected, partial.claims.map((c) => c.outcome)]).toEqual([false, ['posted', 'rejected']]);
    expect(problemCodes(partial)).toEqual([['UNKNOWN_CLAIM', 'CLP']]);
    expect([...partial.appends.keys()]).toEqual([`claim-${CLAIM_ID}`, 'remittance-TRN-1']);
  });
});
