/** The code sets this module validates; `procedure` means CPT or HCPCS Level II. */
export type CodeKind =
  | 'icd10cm'
  | 'cpt'
  | 'hcpcs'
  | 'procedure'
  | 'modifier'
  | 'carc'
  | 'rarc'
  | 'npi'
  | 'adjustmentGroup';
