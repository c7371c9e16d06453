; What is runnable in a Python file, and what a synthetic cell/selection module keeps.
; Only direct children of the module: a nested def is not runnable on its own.
;   @function  the whole definition (decorators included): a runnable, also kept
;   @fn        the function node itself (its `async` child says whether it is a coroutine)
;   @name      the name the runner calls
;   @keep      copied into the synthetic module that wraps a cell or a selection
(module (function_definition name: (identifier) @name) @function @fn)
(module (decorated_definition definition: (function_definition name: (identifier) @name) @fn) @function)
(module (class_definition) @keep)
(module (decorated_definition definition: (class_definition)) @keep)
(module (future_import_statement) @keep)
(module (import_statement) @keep)
(module (import_from_statement) @keep)
