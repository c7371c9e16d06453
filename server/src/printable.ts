/**
 * Text from outside (file names, snippet output, exception messages) made safe to print on a
 * terminal: control characters other than tab and newline are shown as escapes, so an ESC in a
 * file name cannot move the cursor, recolour the terminal or retitle the window.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => (c === '\r' ? '\\r' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}
