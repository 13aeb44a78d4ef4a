import { randomUUID } from "node:crypto";
import {
  getNamedType,
  GraphQLID,
  GraphQLString,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from "graphql";
import type { GraphQLResponse } from "./index";

/** One String (or ID) input somewhere in a root field's arguments, with an operation that sets it alone. */
export interface StringInputCase {
  /** `Mutation.createTarget` */
  field: string;
  /** The argument path the error must name: `input.name`, `filter.tags[2]`. */
  path: string;
  query: string;
  /** Variables with `bad` at `path` and harmless values (containing `filler`) in every other required place. */
  variables(bad: string): Record<string, unknown>;
}

// Federation's own fields: the gateway calls them, their inputs are scalars of its choosing (`_Any`).
const FEDERATION_FIELDS = new Set(["_entities", "_service"]);
// Lists get three items with the probe in the last, so the path shows the index is counted.
const LIST_PROBE_INDEX = 2;
const MAX_INPUT_DEPTH = 6;

type Step = { kind: "field"; name: string } | { kind: "item" };

/** A harmless value of an input type (required fields only); `filler` marks every string. */
function sample(type: GraphQLInputType, filler: string, depth = 0): unknown {
  if (isNonNullType(type)) return sample(type.ofType, filler, depth);
  if (isListType(type)) return [sample(type.ofType as GraphQLInputType, filler, depth)];
  if (isEnumType(type)) return type.getValues()[0]?.value === undefined ? null : type.getValues()[0]!.name;
  if (isInputObjectType(type)) {
    if (depth > MAX_INPUT_DEPTH) return {};
    const value: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type) && field.defaultValue === undefined) value[field.name] = sample(field.type, filler, depth + 1);
    }
    return value;
  }
  if (type === GraphQLID) return randomUUID();
  if (type === GraphQLString) return filler;
  switch (type.name) {
    case "Int":
      return 1;
    case "Float":
      return 1.5;
    case "Boolean":
      return true;
    case "DateTime":
    case "DateTimeISO":
      return new Date().toISOString();
    default:
      return filler;
  }
}

/** Every path from an input type down to a String or ID leaf. */
function stringPaths(type: GraphQLInputType, depth = 0): Step[][] {
  if (isNonNullType(type)) return stringPaths(type.ofType, depth);
  if (isListType(type)) return stringPaths(type.ofType as GraphQLInputType, depth).map((path) => [{ kind: "item" } as Step, ...path]);
  if (isInputObjectType(type)) {
    if (depth > MAX_INPUT_DEPTH) return [];
    return Object.values(type.getFields()).flatMap((field) =>
      stringPaths(field.type, depth + 1).map((path) => [{ kind: "field", name: field.name } as Step, ...path]),
    );
  }
  return isScalarType(type) && (type === GraphQLString || type === GraphQLID) ? [[]] : [];
}

/** `value` of `type` with `bad` placed at `steps` (required siblings filled in). */
function place(type: GraphQLInputType, steps: Step[], bad: string, filler: string): unknown {
  if (isNonNullType(type)) return place(type.ofType, steps, bad, filler);
  const [step, ...rest] = steps;
  if (!step) return bad;
  if (isListType(type)) {
    const itemType = type.ofType as GraphQLInputType;
    const items = Array.from({ length: LIST_PROBE_INDEX }, () => sample(itemType, filler));
    return [...items, place(itemType, rest, bad, filler)];
  }
  if (isInputObjectType(type) && step.kind === "field") {
    const base = sample(type, filler) as Record<string, unknown>;
    return { ...base, [step.name]: place(type.getFields()[step.name]!.type, rest, bad, filler) };
  }
  throw new Error(`cannot place a value at ${JSON.stringify(steps)}`);
}

const pathText = (argument: string, steps: Step[]) =>
  steps.reduce((text, step) => (step.kind === "item" ? `${text}[${LIST_PROBE_INDEX}]` : `${text}.${step.name}`), argument);

function operationFor(operation: "query" | "mutation", field: GraphQLField<unknown, unknown>): string {
  const declared = field.args.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(", ");
  const passed = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(", ");
  const selection = isCompositeType(getNamedType(field.type)) ? " { __typename }" : "";
  return `${operation}${declared ? `(${declared})` : ""} { ${field.name}${passed ? `(${passed})` : ""}${selection} }`;
}

/**
 * Every String/ID input of a schema's queries and mutations (arguments, input-object fields at any
 * depth, list items), each as an operation that puts a probe value there. Generated from the schema,
 * so a field added later is covered without touching the tests that use it.
 */
export function stringInputCases(schema: GraphQLSchema, filler = "probe"): StringInputCase[] {
  const cases: StringInputCase[] = [];
  for (const [operation, root] of [
    ["query", schema.getQueryType()],
    ["mutation", schema.getMutationType()],
  ] as const) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      if (FEDERATION_FIELDS.has(field.name)) continue;
      const query = operationFor(operation, field);
      for (const arg of field.args) {
        for (const steps of stringPaths(arg.type)) {
          const others = field.args.filter((other: GraphQLArgument) => other !== arg);
          cases.push({
            field: `${root.name}.${field.name}`,
            path: pathText(arg.name, steps),
            query,
            variables: (bad) => ({
              ...Object.fromEntries(others.filter((other) => isNonNullType(other.type)).map((other) => [other.name, sample(other.type, filler)])),
              [arg.name]: place(arg.type, steps, bad, filler),
            }),
          });
        }
      }
    }
  }
  return cases;
}

/** Strings PostgreSQL refuses, each of which must come back as BAD_USER_INPUT naming its field. */
export const UNSTORABLE_STRINGS: Record<string, string> = {
  "NUL byte": "bad\u0000value",
  "lone high surrogate": "bad\uD800value",
  "lone low surrogate": "bad\uDC00value",
};

/**
 * Sends every case with every unstorable string (through `send`: a subgraph, or the gateway); returns the answers that were not BAD_USER_INPUT
 * naming the case's path (an empty list is the pass).
 */
export async function probeStringInputs(
  send: (query: string, variables: Record<string, unknown>) => Promise<GraphQLResponse<unknown>>,
  cases: StringInputCase[],
): Promise<Array<{ field: string; path: string; probe: string; got: unknown }>> {
  const misses: Array<{ field: string; path: string; probe: string; got: unknown }> = [];
  for (const testCase of cases) {
    for (const [probe, bad] of Object.entries(UNSTORABLE_STRINGS)) {
      const response = await send(testCase.query, testCase.variables(bad));
      const error = response.errors?.[0];
      const ok = response.status === 200 && response.errors?.length === 1 && error?.extensions?.code === "BAD_USER_INPUT" && error.extensions.field === testCase.path;
      if (!ok) misses.push({ field: testCase.field, path: testCase.path, probe, got: { status: response.status, errors: response.errors } });
    }
  }
  return misses;
}

/**
 * The whole input-guard check of a schema: its String/ID input cases must include `expected` (`"Mutation.createTarget
 * input.name"`: proof the walk reached them), then every case is probed (probeStringInputs through `send`).
 * Passes when both lists it returns are empty: `expect(await probeSchemaStringInputs(…)).toEqual({ notFound: [], misses: [] })`.
 */
export async function probeSchemaStringInputs(
  schema: GraphQLSchema,
  filler: string,
  expected: readonly string[],
  send: (query: string, variables: Record<string, unknown>) => Promise<GraphQLResponse<unknown>>,
): Promise<{ notFound: string[]; misses: Awaited<ReturnType<typeof probeStringInputs>> }> {
  const cases = stringInputCases(schema, filler);
  const found = new Set(cases.map((testCase) => `${testCase.field} ${testCase.path}`));
  return { notFound: expected.filter((name) => !found.has(name)), misses: await probeStringInputs(send, cases) };
}
