import type { WriteOffReason } from '../claims/claim';

/**
 * The chart of accounts the journal posts to (docs/ledger.md). Codes follow the usual order of a
 * provider's books: assets 1xxx, liabilities 2xxx, revenue and its contra accounts 4xxx,
 * expenses 5xxx. A debit-normal account grows with debits; a credit-normal one with credits.
 */

export type AccountCode = '1000' | '1200' | '1210' | '2100' | '4000' | '4100' | '4200' | '4300' | '5100';

export type AccountType = 'asset' | 'liability' | 'revenue' | 'contra_revenue' | 'expense';
export type NormalSide = 'debit' | 'credit';

export interface Account {
  code: AccountCode;
  name: string;
  type: AccountType;
  normalSide: NormalSide;
  /** What lands here, in billing words. */
  description: string;
}

export const CASH = '1000';
export const AR_PAYER = '1200';
export const AR_PATIENT = '1210';
export const PATIENT_CREDITS = '2100';
export const GROSS_CHARGES = '4000';
export const CONTRACTUAL_ALLOWANCES = '4100';
export const CHARITY_CARE = '4200';
export const ADMINISTRATIVE_ADJUSTMENTS = '4300';
export const BAD_DEBT = '5100';

/** Every account, in the order trial balances list them. */
export const CHART_OF_ACCOUNTS: readonly Account[] = [
  { code: CASH, name: 'Cash', type: 'asset', normalSide: 'debit', description: 'payer payments and patient payments received, less refunds and payer take-backs' },
  { code: AR_PAYER, name: 'A/R - Payer', type: 'asset', normalSide: 'debit', description: 'what payers owe: Σ claim payer balances' },
  { code: AR_PATIENT, name: 'A/R - Patient', type: 'asset', normalSide: 'debit', description: 'what patients owe on claims: Σ claim patient balances (a claim the patient overpaid counts negative)' },
  { code: PATIENT_CREDITS, name: 'Patient Credits', type: 'liability', normalSide: 'credit', description: 'patient payments not allocated to any claim, less refunds of them' },
  { code: GROSS_CHARGES, name: 'Gross Charges', type: 'revenue', normalSide: 'credit', description: 'billed charges of every claim not voided (after corrections)' },
  { code: CONTRACTUAL_ALLOWANCES, name: 'Contractual Allowances', type: 'contra_revenue', normalSide: 'debit', description: 'CO, OA, PI and CR adjustments of remittances: what nobody owes' },
  { code: CHARITY_CARE, name: 'Charity Care', type: 'contra_revenue', normalSide: 'debit', description: 'write-offs for reason charity' },
  { code: ADMINISTRATIVE_ADJUSTMENTS, name: 'Administrative Adjustments', type: 'contra_revenue', normalSide: 'debit', description: 'write-offs for reasons small_balance, timely_filing and administrative' },
  { code: BAD_DEBT, name: 'Bad Debt Expense', type: 'expense', normalSide: 'debit', description: 'write-offs for reason bad_debt' },
];

const BY_CODE: ReadonlyMap<string, Account> = new Map(CHART_OF_ACCOUNTS.map((a) => [a.code, a]));

export const accountOf = (code: AccountCode): Account => {
  const account = BY_CODE.get(code);
  if (account === undefined) throw new Error(`no account ${code} in the chart`);
  return account;
};

/**
 * Where each write-off reason is charged. Charity is care given free by policy (a revenue
 * deduction, reported apart); bad debt is a collection that failed (an expense); the rest are
 * the practice's own decisions or misses (small balances, timely filing, administrative).
 * A Record over the union, so a new reason fails to compile until it is mapped.
 */
export const WRITE_OFF_ACCOUNTS: Readonly<Record<WriteOffReason, AccountCode>> = {
  bad_debt: BAD_DEBT,
  charity: CHARITY_CARE,
  small_balance: ADMINISTRATIVE_ADJUSTMENTS,
  timely_filing: ADMINISTRATIVE_ADJUSTMENTS,
  administrative: ADMINISTRATIVE_ADJUSTMENTS,
};
