/** Money and codes as a patient or a biller reads them. Pure. */
import type { Cents } from '../common/money';

/** `$1,234.56`, `-$5.00`: whole cents, never a float rounding. */
export const formatCents = (cents: Cents): string => {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const dollars = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}$${dollars}.${(abs % 100).toString().padStart(2, '0')}`;
};

/** `99213-25 x1`: a procedure with its modifiers and units. */
export const procedureText = (line: { procedureCode: string; modifiers: readonly string[]; units: number }): string =>
  `${[line.procedureCode, ...line.modifiers].join('-')} x${line.units}`;
