; What is runnable in a Python file, and what a synthetic cell/selection module keeps.
; Only direct children of the module: a nested def is not runnable on its own.
;   @function  the whole definition (decorators included): a runnable, also kept
;   @fn        the function node itself (its `async` child says whether it is a coroutine)
;   @name      the name the runner calls
;   @keep      copied into the synthetic module that wraps a cell or a selection (a statement
;              that awaits is not: it cannot run at module level)
;   @assign    a kept assignment: the names on its left are module-level variables
(module (function_definition name: (identifier) @name) @function @fn)
(module (decorated_definition definition: (function_definition name: (identifier) @name) @fn) @function)
(module (class_definition) @keep)
(module (decorated_definition definition: (class_definition)) @keep)
(module (future_import_statement) @keep)
(module (import_statement) @keep)
(module (import_from_statement) @keep)
; Module-level variables, wherever they are set, cells included: `base = 10`, `x: int = 1`.
; Not updates (`n += 1`), calls or other statements: those are steps of the program.
(module (expression_statement (assignment) @assign) @keep)
