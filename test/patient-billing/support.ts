/** Shared by the patient-billing specs: a clock the test moves, and claims with the patient shares they need. */
import { execFile } from 'node:child_process';
import type { Clock } from '../../src/common/clock';
import { encounterBody, claimBody, uid, type Http } from '../support/test-app';

/**
 * The ledger's clock, set by the test: statements, plans and collections are about dates (cut-offs,
 * due dates, ages), and `recordedAt` comes from this clock, so a test can live through months.
 */
export class TestClock implements Clock {
  private current: number;

  constructor(iso: string) {
    this.current = Date.parse(iso);
  }

  now(): Date {
    return new Date(this.current);
  }

  set(iso: string): void {
    this.current = Date.parse(iso);
  }
}

export interface RemittanceLineBody {
  lineNumber: number;
  paidCents: number;
  adjustments: Array<{ group: string; reason: string; amountCents: number }>;
}

/**
 * The standard encounter's lines (99213-25 $150, 93000 $50) remitted with these lines; returns the
 * claim id. The remittance must balance per line, as an 835 does.
 */
export const remittedClaim = async (
  http: Http,
  patientId: string,
  lines: RemittanceLineBody[],
  options: { dateOfService?: string; payerId?: string } = {},
): Promise<{ claimId: string; remittanceId: string }> => {
  const encounter = encounterBody({ patientId, dateOfService: options.dateOfService ?? '2025-01-02' });
  await http.post('/encounters').set('X-Actor', 'coder').send(encounter).expect(201);
  const claim = claimBody(encounter.encounterId, { payerId: options.payerId ?? 'payer-acme' });
  await http.post('/claims').set('X-Actor', 'biller').send(claim).expect(201);
  const remittanceId = uid('era');
  const paidCents = lines.reduce((sum, l) => sum + l.paidCents, 0);
  const response = await http.post(`/claims/${claim.claimId}/remittances`).set('X-Actor', 'biller').send({ remittanceId, paidCents, lines });
  if (response.status !== 201) throw new Error(`remittance refused: ${response.status} ${JSON.stringify(response.body)}`);
  return { claimId: claim.claimId, remittanceId };
};

/** Line 1 paid $80, CO-45 $50, PR-2 coinsurance $20; line 2 paid $40, CO-45 $10: the patient owes $20. */
export const COINSURANCE_LINES = (): RemittanceLineBody[] => [
  {
    lineNumber: 1,
    paidCents: 8_000,
    adjustments: [
      { group: 'CO', reason: '45', amountCents: 5_000 },
      { group: 'PR', reason: '2', amountCents: 2_000 },
    ],
  },
  { lineNumber: 2, paidCents: 4_000, adjustments: [{ group: 'CO', reason: '45', amountCents: 1_000 }] },
];

/** Line 1 paid $60, CO-45 $35, PR-1 deductible $30, PR-3 copay $25; line 2 paid $30, CO-45 $20: the patient owes $55. */
export const DEDUCTIBLE_COPAY_LINES = (): RemittanceLineBody[] => [
  {
    lineNumber: 1,
    paidCents: 6_000,
    adjustments: [
      { group: 'CO', reason: '45', amountCents: 3_500 },
      { group: 'PR', reason: '1', amountCents: 3_000 },
      { group: 'PR', reason: '3', amountCents: 2_500 },
    ],
  },
  { lineNumber: 2, paidCents: 3_000, adjustments: [{ group: 'CO', reason: '45', amountCents: 2_000 }] },
];

/**
 * The text of a PDF, read back with pdf-parse, whitespace runs collapsed to one space. pdf-parse
 * (pdfjs) sets up its worker with a dynamic `import()`, which jest's module sandbox refuses
 * without --experimental-vm-modules, so it runs in a plain node child process.
 */
export const pdfText = (pdf: Buffer): Promise<string> => {
  const script = `
    const chunks = [];
    process.stdin.on('data', (c) => chunks.push(c));
    process.stdin.on('end', async () => {
      const { PDFParse } = require(${JSON.stringify(require.resolve('pdf-parse'))});
      const parser = new PDFParse({ data: Buffer.concat(chunks) });
      try { process.stdout.write((await parser.getText()).text); } finally { await parser.destroy(); }
    });`;
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['-e', script], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) =>
      error ? reject(error) : resolve(stdout.replace(/\s+/g, ' ')),
    );
    child.stdin?.end(pdf);
  });
};

/** supertest: collect a binary body as a Buffer (`.buffer(true).parse(binary)`). */
export const binary = (res: import('supertest').Response, done: (error: Error | null, body: Buffer) => void): void => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
};
