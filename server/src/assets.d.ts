// esbuild loads these as text (see esbuild.mjs); tsc needs to know their shape.
declare module '*.scm' {
  const source: string;
  export default source;
}
declare module '*.md' {
  const source: string;
  export default source;
}
