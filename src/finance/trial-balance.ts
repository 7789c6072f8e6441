import { sumCents, type Cents } from '../common/money';
import { CHART_OF_ACCOUNTS, type AccountCode, type AccountType, type NormalSide } from './chart-of-accounts';
import type { JournalLine } from './journal';

export interface TrialBalanceRow {
  account: AccountCode;
  name: string;
  type: AccountType;
  normalSide: NormalSide;
  debitCents: Cents;
  creditCents: Cents;
  /** Debits − credits for a debit-normal account, credits − debits for a credit-normal one. */
  balanceCents: Cents;
}

export interface TrialBalance {
  accounts: TrialBalanceRow[];
  totals: { debitCents: Cents; creditCents: Cents };
}

/** Per account debits and credits, summed line by line (pure; the caller feeds it the journal). */
export class TrialBalanceAccumulator {
  private readonly sums = new Map<AccountCode, { debitCents: Cents; creditCents: Cents }>(
    CHART_OF_ACCOUNTS.map((a) => [a.code, { debitCents: 0, creditCents: 0 }]),
  );

  add(line: Pick<JournalLine, 'account' | 'debitCents' | 'creditCents'>): void {
    const sum = this.sums.get(line.account);
    if (sum === undefined) throw new Error(`journal line posts to ${line.account}, which is not in the chart`);
    sum.debitCents = sumCents([sum.debitCents, line.debitCents]);
    sum.creditCents = sumCents([sum.creditCents, line.creditCents]);
  }

  /** Net of an account, debit positive: what the invariants compare. */
  netDebitCents(account: AccountCode): Cents {
    const sum = this.sums.get(account);
    return sum === undefined ? 0 : sum.debitCents - sum.creditCents;
  }

  result(): TrialBalance {
    const accounts = CHART_OF_ACCOUNTS.map((a): TrialBalanceRow => {
      const sum = this.sums.get(a.code) ?? { debitCents: 0, creditCents: 0 };
      const net = sum.debitCents - sum.creditCents;
      return { account: a.code, name: a.name, type: a.type, normalSide: a.normalSide, ...sum, balanceCents: a.normalSide === 'debit' ? net : 0 - net };
    });
    return {
      accounts,
      totals: { debitCents: sumCents(accounts.map((a) => a.debitCents)), creditCents: sumCents(accounts.map((a) => a.creditCents)) },
    };
  }
}

/** A trial balance from stored per-account sums (the journal projection's totals). */
export const trialBalanceOf = (sums: ReadonlyArray<{ account: AccountCode; debitCents: Cents; creditCents: Cents }>): TrialBalance => {
  const accumulator = new TrialBalanceAccumulator();
  for (const sum of sums) accumulator.add({ account: sum.account, debitCents: sum.debitCents, creditCents: sum.creditCents });
  return accumulator.result();
};
