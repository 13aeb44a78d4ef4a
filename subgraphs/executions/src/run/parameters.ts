import type { JobParameter } from "@opsconductor/kit";
import { badInput } from "@opsconductor/kit/subgraph";
import { REDACTED } from "../engine/output";

export interface CoercedParameters {
  /** Every parameter's value by name (optional ones without a value are ""). */
  values: Record<string, string>;
  /** SECRET values only: stored encrypted, never anywhere else. */
  secrets: Record<string, string>;
  /** What the run shows and stores in clear: SECRET values masked. */
  visible: Record<string, string>;
}

const MAX_VALUE = 10_000;
const TRUE = new Set(["true", "1", "yes", "on"]);
const FALSE = new Set(["false", "0", "no", "off"]);

/**
 * Checks and normalizes run parameters against the job's definitions: types, required, defaults,
 * CHOICE lists, STRING patterns (whole value), INT min/max. The first problem is a BAD_USER_INPUT
 * naming `parameters.<name>`, before anything is written.
 */
export function coerceParameters(definitions: JobParameter[], provided: Record<string, string>): CoercedParameters {
  const known = new Map(definitions.map((definition) => [definition.name, definition]));
  for (const name of Object.keys(provided)) {
    if (!known.has(name)) throw badInput(`parameters.${name}`, `${name} is not a parameter of this job`);
  }
  const values: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  const visible: Record<string, string> = {};
  for (const definition of definitions) {
    const field = `parameters.${definition.name}`;
    const given = Object.prototype.hasOwnProperty.call(provided, definition.name) ? provided[definition.name] : undefined;
    const raw = given ?? (definition.type === "SECRET" ? null : definition.defaultValue);
    if (raw === null || raw === undefined || raw === "") {
      if (definition.required) throw badInput(field, `${definition.name} is required`);
      values[definition.name] = "";
      visible[definition.name] = "";
      continue;
    }
    if (raw.length > MAX_VALUE) throw badInput(field, `${definition.name} must be at most ${MAX_VALUE} characters`);
    let value = raw;
    switch (definition.type) {
      case "INT": {
        if (!/^-?[0-9]{1,15}$/.test(raw.trim())) throw badInput(field, `${definition.name} must be a whole number`);
        const number = Number(raw.trim());
        if (definition.min !== null && number < definition.min) throw badInput(field, `${definition.name} must be at least ${definition.min}`);
        if (definition.max !== null && number > definition.max) throw badInput(field, `${definition.name} must be at most ${definition.max}`);
        value = String(number);
        break;
      }
      case "BOOL": {
        const lower = raw.trim().toLowerCase();
        if (TRUE.has(lower)) value = "true";
        else if (FALSE.has(lower)) value = "false";
        else throw badInput(field, `${definition.name} must be true or false`);
        break;
      }
      case "CHOICE":
        if (!definition.choices.includes(raw)) throw badInput(field, `${definition.name} must be one of: ${definition.choices.join(", ")}`);
        break;
      case "STRING":
        if (definition.pattern !== null) {
          let pattern: RegExp;
          try {
            pattern = new RegExp(`^(?:${definition.pattern})$`, "u");
          } catch {
            throw badInput(field, `${definition.name} has an invalid pattern in the job definition`);
          }
          if (!pattern.test(raw)) throw badInput(field, `${definition.name} must match ${definition.pattern}`);
        }
        if (definition.min !== null && raw.length < definition.min) throw badInput(field, `${definition.name} must be at least ${definition.min} characters`);
        if (definition.max !== null && raw.length > definition.max) throw badInput(field, `${definition.name} must be at most ${definition.max} characters`);
        break;
      case "SECRET":
        secrets[definition.name] = raw;
        break;
    }
    values[definition.name] = value;
    visible[definition.name] = definition.type === "SECRET" ? REDACTED : value;
  }
  return { values, secrets, visible };
}
