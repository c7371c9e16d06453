; What the analysis index collects from a JavaScript/TypeScript tree, in one query run.
; Only node types that all three JS-family grammars know; ts-index.scm adds the TypeScript ones.
(function_declaration) @fn
(generator_function_declaration) @fn
(function_expression) @fn
(generator_function) @fn
(arrow_function) @fn
(method_definition) @fn
(class_declaration) @class
(class) @class
(call_expression) @call
(new_expression) @call
; floating-promise reads the statements whose (first) expression is a call or a new, maybe in parentheses.
; The anchor also keeps the alternation from capturing one statement several times.
(expression_statement . [(call_expression) (new_expression) (parenthesized_expression)]) @stmt
(for_statement) @loop
(for_in_statement) @loop
(while_statement) @loop
(do_statement) @loop
(await_expression) @await
(import_statement) @import
; @bind.local: a name bound with nothing known of its value (a parameter, `x = …`); names.ts then need not look around it.
(variable_declarator name: (_) @bind)
(assignment_expression left: (identifier) @bind.local)
(arrow_function parameter: (identifier) @bind.local)
; `for (const x of xs)`: names.ts records the iterable, for element types
(for_in_statement left: (identifier) @bind)
