; What the analysis index collects from a Python tree, in one query run.
; Capture names are the index's lists; see fileindex.ts. Capture only what a rule or the hover reads:
; every pattern costs the query cursor time on every node of every file.
(function_definition) @fn
(lambda) @fn
(class_definition) @class
(call) @call
; a call whose value is thrown away: the whole expression statement
(expression_statement . (call) @discard .)
(for_statement) @loop
(while_statement) @loop
(await) @await
(import_statement) @import
(import_from_statement) @import
(assignment left: (_) @bind)
(augmented_assignment left: (identifier) @bind)
(parameters (identifier) @bind)
(parameters (default_parameter name: (identifier) @bind))
(parameters (typed_parameter (identifier) @bind))
(parameters (typed_default_parameter name: (identifier) @bind))
(lambda_parameters (identifier) @bind)
(for_statement left: (_) @bind)
(as_pattern_target (identifier) @bind)
