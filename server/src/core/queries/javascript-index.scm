; JavaScript-only additions to js-index.scm: plain parameters sit directly in formal_parameters.
(formal_parameters (identifier) @bind.local)
(formal_parameters (assignment_pattern left: (identifier) @bind.local))
