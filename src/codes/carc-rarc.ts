const CARC = /^[A-Z0-9]{1,3}$/;
// Published RARCs have at most 3 digits (N890, MA130); 4 leaves room without accepting any length.
const RARC = /^[A-Z]{1,2}[0-9]{1,4}$/;

/** CARC (Claim Adjustment Reason Code): why a payer adjusted a claim or line (`45`, `A2`, `253`, `P1`). */
export const isCarc = (code: string): boolean => CARC.test(code);

/** RARC (Remittance Advice Remark Code): extra explanation on a remittance (`N130`, `MA01`, `M15`). */
export const isRarc = (code: string): boolean => RARC.test(code);
