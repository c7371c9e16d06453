; TypeScript and TSX additions to js-index.scm.
; typed parameters: names.ts records the annotation, for the declared-type resolver
(formal_parameters (required_parameter pattern: (identifier) @bind))
(formal_parameters (optional_parameter pattern: (identifier) @bind))
