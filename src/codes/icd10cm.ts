// The third character may be a letter (C4A, M1A) and, since FY2026, the second too (QA0.0101):
// the contract's "a letter, a digit" predates that release. U is reserved by WHO; the US uses U07.1.
const ICD10CM = /^[A-Z][A-Z0-9]{2}(\.[A-Z0-9]{1,4})?$/;

/** ICD-10-CM: the US diagnosis code set, in its canonical dotted form (`K25.9`, `S52.521A`, `A00`). */
export const isIcd10Cm = (code: string): boolean => ICD10CM.test(code);
