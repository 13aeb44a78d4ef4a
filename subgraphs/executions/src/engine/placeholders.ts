/** `{{name}}` substitution in step content (see the job definition), with values shell-quoted. */

/** One argument for a POSIX shell: single-quoted, with embedded single quotes closed and escaped. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export interface PlaceholderValues {
  /** Parameter values by name (SECRET ones included, decrypted only in the worker). */
  parameters: Record<string, string>;
  target: { name: string; address: string };
  run: { id: string; number: number };
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;

/**
 * Replaces `{{name}}`, `{{target.name}}`, `{{target.address}}`, `{{run.id}}` and `{{run.number}}`.
 * Every value becomes one shell-quoted word, so a parameter can never inject shell syntax; unknown
 * names are left as written (a script may use `{{` itself).
 */
export function substitute(content: string, values: PlaceholderValues): string {
  const builtIn: Record<string, string> = {
    "target.name": values.target.name,
    "target.address": values.target.address,
    "run.id": values.run.id,
    "run.number": String(values.run.number),
  };
  return content.replace(PLACEHOLDER, (whole, name: string) => {
    const value = Object.prototype.hasOwnProperty.call(builtIn, name)
      ? builtIn[name]
      : Object.prototype.hasOwnProperty.call(values.parameters, name)
        ? values.parameters[name]
        : undefined;
    return value === undefined ? whole : shellQuote(value);
  });
}
