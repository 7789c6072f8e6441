import { csvField, csvRecord, encodeRow, headerOf, jsonlRecord, TRIAL_BALANCE_TABLE } from './snapshot-rows';

describe('CSV (RFC 4180) and JSON Lines encoding', () => {
  it('quotes a field only when it holds a comma, a quote, CR or LF, doubling quotes', () => {
    expect(csvField('plain text')).toBe('plain text');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField('')).toBe('');
    expect(csvField(null)).toBe('');
    expect(csvField(-1500)).toBe('-1500');
    expect(csvField(0)).toBe('0');
  });

  it('ends every record with CRLF', () => {
    expect(csvRecord(['a', 1, null, 'x,y'])).toBe('a,1,,"x,y"\r\n');
  });

  it('JSON Lines keeps the column order and writes absent values as null', () => {
    expect(jsonlRecord(['b', 'a', 'c'], [1, 'x', null])).toBe('{"b":1,"a":"x","c":null}\n');
  });

  it('a trial balance row encodes the same values in both formats', () => {
    const row = { account: '1000' as const, name: 'Cash', type: 'asset' as const, normalSide: 'debit' as const, debitCents: 5, creditCents: 2, balanceCents: 3 };
    expect(headerOf(TRIAL_BALANCE_TABLE, 'csv')).toBe('account,name,type,normalSide,debitCents,creditCents,balanceCents\r\n');
    expect(headerOf(TRIAL_BALANCE_TABLE, 'jsonl')).toBe('');
    expect(encodeRow(TRIAL_BALANCE_TABLE, 'csv', row)).toBe('1000,Cash,asset,debit,5,2,3\r\n');
    expect(JSON.parse(encodeRow(TRIAL_BALANCE_TABLE, 'jsonl', row))).toEqual(row);
  });
});
