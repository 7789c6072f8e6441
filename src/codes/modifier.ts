const MODIFIER = /^[A-Z0-9]{2}$/;

/** A CPT/HCPCS modifier: two characters refining a procedure code (`25`, `59`, `LT`, `XE`, `GA`). */
export const isModifier = (code: string): boolean => MODIFIER.test(code);
