/**
 * Declared types as the resolver needs them, parsed from an annotation's text: a named type
 * (generic arguments kept, to unwrap promises and element types), an array, or nothing known.
 * `X | None`, `Optional[X]`, `X | undefined` are X: a call on it is a call on X where it runs.
 */
export type TypeExpr =
  | { kind: 'name'; name: string; args: TypeExpr[] }
  | { kind: 'array'; elem: TypeExpr }
  | { kind: 'unknown' };

const UNKNOWN: TypeExpr = { kind: 'unknown' };
const NOTHING = new Set(['None', 'undefined', 'null', 'void', 'never']);
const TOKEN = /\s*(?:([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)|("[^"]*"|'[^']*')|(\.\.\.|[<>[\](),|&?:=]))/y;

/** Parses an annotation; whatever it cannot read is `unknown` (the resolver then says nothing). */
export function parseType(text: string): TypeExpr {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (TOKEN.lastIndex < text.length && (m = TOKEN.exec(text))) tokens.push((m[1] ?? m[2] ?? m[3]).replace(/\s+/g, ''));
  if (text.slice(TOKEN.lastIndex).trim() !== '') return UNKNOWN;
  let i = 0;
  const peek = () => tokens[i];
  const union = (): TypeExpr => {
    const members: TypeExpr[] = [];
    if (peek() === '|') i++;
    members.push(postfix());
    while (peek() === '|' || peek() === '&') {
      i++;
      members.push(postfix());
    }
    const real = members.filter((t) => !(t.kind === 'name' && NOTHING.has(t.name)));
    return real.length === 1 ? real[0] : UNKNOWN;
  };
  const list = (close: string): TypeExpr[] => {
    const out: TypeExpr[] = [];
    while (i < tokens.length && peek() !== close) {
      if (peek() === ',') { i++; continue; }
      if (peek() === '...') { i++; continue; }
      const before = i;
      out.push(union());
      if (i === before) i++;
    }
    i++;
    return out;
  };
  const postfix = (): TypeExpr => {
    let t = primary();
    while (peek() === '[' && tokens[i + 1] === ']') {
      i += 2;
      t = { kind: 'array', elem: t };
    }
    return t;
  };
  const primary = (): TypeExpr => {
    const tok = peek();
    if (tok === undefined) return UNKNOWN;
    if (tok === '(') {
      i++;
      const inner = union();
      if (peek() === ')') i++;
      return inner;
    }
    if (tok.startsWith('"') || tok.startsWith("'")) {
      i++;
      return parseType(tok.slice(1, -1));
    }
    if (!/^[A-Za-z_$]/.test(tok)) return UNKNOWN;
    i++;
    let name = tok;
    if ((name === 'readonly' || name === 'typeof' || name === 'keyof') && peek() && /^[A-Za-z_$]/.test(peek())) {
      if (name !== 'readonly') return UNKNOWN;
      name = tokens[i++];
    }
    let args: TypeExpr[] = [];
    if (peek() === '<') { i++; args = list('>'); }
    else if (peek() === '[' && tokens[i + 1] !== ']') { i++; args = list(']'); }
    const last = name.slice(name.lastIndexOf('.') + 1);
    if ((last === 'Optional' && args.length === 1)) return args[0];
    if (last === 'Union') {
      const real = args.filter((t) => !(t.kind === 'name' && NOTHING.has(t.name)));
      return real.length === 1 ? real[0] : UNKNOWN;
    }
    if ((last === 'Annotated' || last === 'Final' || last === 'ClassVar' || last === 'Readonly' || last === 'NonNullable') && args.length >= 1) return args[0];
    return { kind: 'name', name, args };
  };
  const t = union();
  return i >= tokens.length ? t : UNKNOWN;
}

/** Last segment of a dotted name. */
export function lastSegment(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

/** Types whose value is awaited for its argument (`Promise<T>`, `Awaitable[T]`, `Coroutine[Any, Any, T]`). */
export const PROMISE_TYPES = new Map<string, (args: TypeExpr[]) => TypeExpr>([
  ['Promise', (a) => a[0] ?? UNKNOWN],
  ['PromiseLike', (a) => a[0] ?? UNKNOWN],
  ['Awaitable', (a) => a[0] ?? UNKNOWN],
  ['Coroutine', (a) => a[2] ?? UNKNOWN],
]);

/** Containers a `for` loop takes elements from. */
export const ELEMENT_TYPES = new Set([
  'Array', 'ReadonlyArray', 'Set', 'ReadonlySet', 'Iterable', 'IterableIterator', 'AsyncIterable', 'AsyncIterableIterator', 'Generator', 'AsyncGenerator',
  'list', 'List', 'set', 'Set', 'frozenset', 'FrozenSet', 'Sequence', 'MutableSequence', 'Iterable', 'Iterator', 'Collection',
  'AbstractSet', 'MutableSet', 'AsyncIterator', 'tuple', 'Tuple', 'deque', 'Deque',
]);
