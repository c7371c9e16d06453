; What the analysis index collects from a Python tree, in one query run.
; Capture names are the index's lists; see fileindex.ts.
(function_definition) @fn
(lambda) @fn
(class_definition) @class
(call) @call
(expression_statement) @stmt
; a call whose value is thrown away: the whole expression statement
(expression_statement . (call) @discard .)
(for_statement) @loop
(while_statement) @loop
(await) @await
(with_statement) @with
(import_statement) @import
(import_from_statement) @import
(if_statement) @if
(assignment left: (_) @bind)
(augmented_assignment left: (identifier) @bind)
(parameters (identifier) @bind)
(parameters (default_parameter name: (identifier) @bind))
(parameters (typed_parameter (identifier) @bind))
(parameters (typed_default_parameter name: (identifier) @bind))
(lambda_parameters (identifier) @bind)
(for_statement left: (_) @bind)
(as_pattern_target (identifier) @bind)
(global_statement) @global
