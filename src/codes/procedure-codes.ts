// Category I is 5 digits; Category II ends in F, Category III in T, PLA codes in U.
const CPT = /^([0-9]{5}|[0-9]{4}[FTU])$/;
const HCPCS_LEVEL_2 = /^[A-V][0-9]{4}$/;

/** CPT: the AMA procedure code set (`99213`, `0001F`, `0042T`, `0001U`). */
export const isCpt = (code: string): boolean => CPT.test(code);

/** HCPCS Level II: the CMS code set for supplies, drugs and services outside CPT (`J3490`, `G0439`). */
export const isHcpcsLevel2 = (code: string): boolean => HCPCS_LEVEL_2.test(code);

/** A procedure code as billed on a claim line: CPT or HCPCS Level II. */
export const isProcedureCode = (code: string): boolean => isCpt(code) || isHcpcsLevel2(code);
