/**
 * Test support, imported only by specs: an 835 around the given body segments, with an
 * envelope whose counts and control numbers are right (so each spec breaks only what it means to).
 */
const ISA = 'ISA*00*          *00*          *ZZ*PAYERACME      *ZZ*BILLINGLEDGER  *260301*1200*^*00501*000000001*0*T*:~';

export const x835 = (body: readonly string[], options: { st?: string } = {}): string => {
  const transaction = [`ST*${options.st ?? '835'}*0001`, ...body];
  return [ISA, 'GS*HP*PAYERACME*BILLINGLEDGER*20260301*1200*1*X*005010X221A1~', ...transaction.map((s) => `${s}~`), `SE*${transaction.length + 1}*0001~`, 'GE*1*1~', 'IEA*1*000000001~'].join('\n');
};

/** BPR (check) + TRN + payer/payee names: the header every spec 835 starts with. */
export const header = (paidDollars: string, trace = 'TRN-1'): string[] => [
  `BPR*I*${paidDollars}*C*CHK************20260301`,
  `TRN*1*${trace}*1512345678`,
  'N1*PR*ACME HEALTH PLAN',
  'N1*PE*BILLING PROVIDER*XX*1234567893',
  'LX*1',
];
