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
; @bind.local: a name bound with nothing known of its value (a parameter, `x += 1`); names.ts then need not look around it.
; names.ts reads names, `self.x` (instances of a class's attributes) and unpacked names, not `a[i] = …`
(assignment left: [(identifier) (attribute) (pattern_list) (tuple_pattern) (list_pattern)] @bind)
(augmented_assignment left: (identifier) @bind.local)
(parameters (identifier) @bind.local)
(parameters (default_parameter name: (identifier) @bind.local))
; a typed parameter is an instance of its annotation when that is a dotted name (`q: asyncio.Queue`)
(parameters (typed_parameter (identifier) @bind))
(parameters (typed_default_parameter name: (identifier) @bind))
(lambda_parameters (identifier) @bind.local)
; a loop variable: names.ts records the iterable, for element types
(for_statement left: (identifier) @bind)
(for_statement left: [(pattern_list) (tuple_pattern) (list_pattern)] @bind)
(as_pattern_target (identifier) @bind)
