/** Pure validators for the billing code sets (ICD-10-CM, CPT, HCPCS, modifiers, CARC/RARC, NPI). */
export * from './adjustment-group';
export * from './carc-rarc';
export * from './code-kind';
export * from './code-set';
export * from './icd10cm';
export * from './modifier';
export * from './npi';
export * from './procedure-codes';
export * from './validate-code';
