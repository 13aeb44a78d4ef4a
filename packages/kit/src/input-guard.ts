import type { ApolloServerPlugin } from "@apollo/server";
import {
  getVariableValues,
  GraphQLError,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { getArgumentValues } from "graphql/execution/values";
import { ErrorCode } from "./errors";
import { textProblem } from "./text";

export interface InputLimits {
  /** Most items in any list-typed argument or input field. */
  maxListItems: number;
  /** Longest string (UTF-16 code units) anywhere in the arguments. */
  maxStringLength: number;
  /** Lists exempt from maxListItems, as `Type.field(argument)`: federation's `_entities` batch is sized by the gateway, not a client. */
  unboundedLists: ReadonlySet<string>;
}

export const DEFAULT_INPUT_LIMITS: InputLimits = {
  maxListItems: 1_000,
  maxStringLength: 100_000,
  unboundedLists: new Set(["Query._entities(representations)"]),
};

/** Scalars whose values are JSON (federation's `_Any`) are walked for strings this deep; deeper is refused. */
const MAX_SCALAR_DEPTH = 32;

/**
 * BAD_USER_INPUT naming the argument path. Raised before execution, so it carries HTTP 200 like a
 * resolver error: Apollo answers 500 for a plugin's error otherwise, and @apollo/gateway replaces
 * the message of a non-2xx subgraph answer with its status line.
 */
function refuse(field: string, message: string): GraphQLError {
  return new GraphQLError(`${field}: ${message}`, { extensions: { code: ErrorCode.BAD_USER_INPUT, field, http: { status: 200 } } });
}


/** Strings inside a scalar's value (plain strings, or the objects and arrays of a JSON scalar). */
function checkScalar(value: unknown, path: string, limits: InputLimits, depth = 0): void {
  if (typeof value === "string") {
    const problem = textProblem(value, limits.maxStringLength);
    if (problem) throw refuse(path, problem);
    return;
  }
  if (value === null || typeof value !== "object" || value instanceof Date) return;
  if (depth >= MAX_SCALAR_DEPTH) throw refuse(path, `must not be nested more than ${MAX_SCALAR_DEPTH} levels deep`);
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkScalar(item, `${path}[${index}]`, limits, depth + 1));
    return;
  }
  for (const [key, inner] of Object.entries(value)) {
    const keyProblem = textProblem(key, limits.maxStringLength);
    if (keyProblem) throw refuse(path, `keys ${keyProblem}`);
    checkScalar(inner, `${path}.${key}`, limits, depth + 1);
  }
}

/** Walks one coerced argument value along its input type. */
function checkValue(value: unknown, type: GraphQLInputType, path: string, limits: InputLimits, listBounded: boolean): void {
  if (value === null || value === undefined) return;
  if (isNonNullType(type)) return checkValue(value, type.ofType, path, limits, listBounded);
  if (isListType(type)) {
    // Coercion turns a single value given for a list into a one-item list, so this is always an array.
    const items = Array.isArray(value) ? value : [value];
    if (listBounded && items.length > limits.maxListItems) throw refuse(path, `must have at most ${limits.maxListItems} items`);
    items.forEach((item, index) => checkValue(item, type.ofType as GraphQLInputType, `${path}[${index}]`, limits, listBounded));
    return;
  }
  if (isInputObjectType(type)) {
    const fields = type.getFields();
    for (const [name, inner] of Object.entries(value as Record<string, unknown>)) {
      const field = fields[name];
      if (field) checkValue(inner, field.type, `${path}.${name}`, limits, listBounded);
    }
    return;
  }
  if (isEnumType(type)) return;
  checkScalar(value, path, limits);
}

/**
 * Checks the coerced arguments of every field the operation selects (fragments included, each
 * walked once): no string with NUL or an unpaired surrogate (PostgreSQL refuses both, which would
 * surface as "Internal error"), none longer than maxStringLength, no list longer than maxListItems.
 * Throws BAD_USER_INPUT naming the path (`input.name`, `filter.tags[2]`). Values graphql-js itself
 * cannot coerce are left for execution to report as it always does.
 */
export function checkOperationInputs(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown> | undefined,
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
): void {
  const fields = fieldsWithArguments(schema, document, operation);
  if (!fields.length) return;
  const variables = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {});
  if (variables.errors) return;
  for (const { node, fieldDef, parentName } of fields) {
    let values: Record<string, unknown>;
    try {
      values = getArgumentValues(fieldDef, node, variables.coerced);
    } catch {
      continue;
    }
    for (const arg of fieldDef.args) {
      const bounded = !limits.unboundedLists.has(`${parentName}.${fieldDef.name}(${arg.name})`);
      checkValue(values[arg.name], arg.type, arg.name, limits, bounded);
    }
  }
}

interface FieldWithArguments {
  node: FieldNode;
  fieldDef: GraphQLField<unknown, unknown>;
  parentName: string;
}

/**
 * The fields of an operation that take arguments, found once per (schema, document, operation):
 * Apollo hands the same parsed document for the same query text, so a request pays only for its
 * variables, not for a walk of the document with type information.
 */
const argumentFieldsCache = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<OperationDefinitionNode, FieldWithArguments[]>>>();

function fieldsWithArguments(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): FieldWithArguments[] {
  let byDocument = argumentFieldsCache.get(schema);
  if (!byDocument) argumentFieldsCache.set(schema, (byDocument = new WeakMap()));
  let byOperation = byDocument.get(document);
  if (!byOperation) byDocument.set(document, (byOperation = new Map()));
  const cached = byOperation.get(operation);
  if (cached) return cached;
  const found: FieldWithArguments[] = [];
  const fragments = document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION);
  const typeInfo = new TypeInfo(schema);
  visit(
    { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] },
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        if (!node.arguments?.length) return;
        const fieldDef = typeInfo.getFieldDef();
        const parent = typeInfo.getParentType();
        if (fieldDef && parent) found.push({ node, fieldDef, parentName: parent.name });
      },
    }),
  );
  byOperation.set(operation, found);
  return found;
}

/** Runs checkOperationInputs once the operation is known, before any resolver. */
export function inputGuardPlugin(limits: InputLimits = DEFAULT_INPUT_LIMITS): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (operation) checkOperationInputs(schema, document, operation, request.variables, limits);
        },
      };
    },
  };
}
