; TypeScript and TSX additions to js-index.scm.
(formal_parameters (required_parameter pattern: (identifier) @bind.local))
(formal_parameters (optional_parameter pattern: (identifier) @bind.local))
