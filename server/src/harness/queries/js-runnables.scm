; What is runnable in a JavaScript / TypeScript / TSX file (one query: the three grammars
; share these node types), and what a synthetic cell/selection module keeps.
; Only direct children of the program (or of a top-level `export`).
;   @function  the whole declaration: a runnable, also kept
;   @fn        the function or arrow node (its `async` child says whether it is async)
;   @name      the name the runner calls
;   @keep      copied into the synthetic module that wraps a cell or a selection (a statement
;              that awaits is not: it would run at load time, before the task)
(program (function_declaration name: (identifier) @name) @function @fn)
(program (export_statement declaration: (function_declaration name: (identifier) @name) @fn) @function)
(program (lexical_declaration (variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression)] @fn)) @function)
(program (variable_declaration (variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression)] @fn)) @function)
(program (export_statement declaration: (lexical_declaration (variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression)] @fn))) @function)
(program (import_statement) @keep)
(program (class_declaration) @keep)
(program (export_statement declaration: (class_declaration)) @keep)
; Module-level variables (`const base = 10`, `let n = 0`, `var fs = require('fs')`).
(program (lexical_declaration) @keep)
(program (variable_declaration) @keep)
(program (export_statement declaration: [(lexical_declaration) (variable_declaration)]) @keep)
