import {
  checkOperationInputs,
  DEFAULT_INPUT_LIMITS,
  liveTopic,
  limitViolations,
  type InputLimits,
  type LiveArgs,
  type LiveEvent,
  type LiveTopic,
  type QueryLimits,
} from "@opsconductor/kit/gateway";
import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  Kind,
  OperationTypeNode,
  parse,
  parseType,
  print,
  specifiedRules,
  validate,
  visit,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLSchema,
  type SelectionNode,
  type VariableDefinitionNode,
} from "graphql";
import { collectFields } from "graphql/execution/collectFields";
import { getArgumentValues } from "graphql/execution/values";

/** What a client sends to subscribe (the graphql-ws `subscribe` payload). */
export interface SubscribePayload {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/** A query the gateway runs for a subscription: the same document every time, variables per event. */
export interface LiveQuery {
  text: string;
  operationName?: string;
  /** Variables from the client that the query uses (as sent; the executor coerces them). */
  clientVariables: Record<string, unknown>;
  /** The query field's arguments → the query's variables. */
  variables(args: LiveArgs): Record<string, unknown>;
}

/** A subscription that passed validation, resolved to its live topic. */
export interface PreparedSubscription {
  document: DocumentNode;
  operationName?: string;
  field: string;
  /** The field's alias or name: the key of every payload's `data`. */
  responseKey: string;
  topic: LiveTopic;
  args: Record<string, unknown>;
  /** The topic channel (without prefix and `live:`). */
  channel: string;
  /** Per event: the topic's query field with the client's selection set. */
  eventQuery: LiveQuery;
  /** At subscribe time: the event query (state topics, its answer is sent) or the topic's authorize query (only `__typename`). */
  initialQuery: { query: LiveQuery; args: LiveArgs; send: boolean };
}

const error = (message: string, code: string) => new GraphQLError(message, { extensions: { code } });

/**
 * Checks a subscription exactly as a query over HTTP is checked — the token limit while parsing, the
 * linear limits (depth, aliases, directives, fragments, selections, repeated fields) before graphql-js's
 * own rules, the API schema, the input guard (strings, lists) and variable coercion — and resolves it
 * to its live topic and the queries the gateway runs for it. Returns the errors to send otherwise.
 */
export function prepareSubscription(
  schema: GraphQLSchema,
  payload: SubscribePayload,
  limits: QueryLimits,
  inputLimits: InputLimits = DEFAULT_INPUT_LIMITS,
): PreparedSubscription | GraphQLError[] {
  if (typeof payload.query !== "string") return [error("A subscription needs a query string", "BAD_REQUEST")];
  let document: DocumentNode;
  try {
    document = parse(payload.query, { maxTokens: limits.maxTokens });
  } catch (caught) {
    return [error((caught as Error).message, "GRAPHQL_PARSE_FAILED")];
  }
  const violations = limitViolations(document, limits);
  if (violations.length) return violations.map((message) => error(message, "GRAPHQL_VALIDATION_FAILED"));
  let invalid: readonly GraphQLError[];
  try {
    invalid = validate(schema, document, specifiedRules);
  } catch (caught) {
    // SingleFieldSubscriptionsRule throws for a root-field @skip/@include on a variable (it has no values).
    if (!(caught instanceof GraphQLError)) throw caught;
    invalid = [caught];
  }
  if (invalid.length) return invalid.map((problem) => new GraphQLError(problem.message, { nodes: problem.nodes, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }));

  const operation = getOperationAST(document, payload.operationName ?? undefined);
  if (!operation) return [error("Unable to identify the operation (several are given: name one in operationName)", "BAD_REQUEST")];
  if (operation.operation !== OperationTypeNode.SUBSCRIPTION) {
    return [error("Only subscriptions are served over WebSocket; send queries and mutations with HTTP POST to /graphql", "BAD_REQUEST")];
  }
  const rawVariables = payload.variables ?? {};
  try {
    checkOperationInputs(schema, document, operation, rawVariables, inputLimits);
  } catch (caught) {
    if (caught instanceof GraphQLError) return [new GraphQLError(caught.message, { extensions: { code: caught.extensions.code, field: caught.extensions.field } })];
    throw caught;
  }
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables);
  if (coerced.errors) return coerced.errors.map((problem) => new GraphQLError(problem.message, { nodes: problem.nodes, extensions: { code: "BAD_USER_INPUT" } }));

  const subscriptionType = schema.getSubscriptionType()!;
  const fragments: Record<string, FragmentDefinitionNode> = Object.create(null);
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  const fields = collectFields(schema, fragments, coerced.coerced, subscriptionType, operation.selectionSet);
  const [entry] = fields.entries();
  if (!entry) return [error("The subscription selects no field (all were skipped)", "BAD_REQUEST")];
  const [responseKey, fieldNodes] = entry;
  const field = fieldNodes[0].name.value;
  const topic = liveTopic(field);
  const fieldDef = subscriptionType.getFields()[field];
  if (!topic || !fieldDef) return [error(`Subscription.${field} is not served by the gateway's live topics`, "BAD_REQUEST")];
  let args: Record<string, unknown>;
  try {
    args = getArgumentValues(fieldDef, fieldNodes[0], coerced.coerced);
  } catch (caught) {
    return [error((caught as Error).message, "BAD_USER_INPUT")];
  }

  const selections = fieldNodes.flatMap((node) => node.selectionSet?.selections ?? []);
  const clientDefinitions = operation.variableDefinitions ?? [];
  const build = (queryField: string, querySelections: readonly SelectionNode[]) =>
    buildQuery(schema, {
      queryField,
      responseKey,
      selections: querySelections,
      fragments,
      clientDefinitions,
      rawVariables,
      operationName: operation.name?.value,
    });
  const eventQuery = build(topic.query.field, selections);
  const initialQuery = topic.current
    ? { query: eventQuery, args: topic.current(args), send: true }
    : { query: build(topic.authorize.field, [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: "__typename" } }]), args: topic.authorize.args(args), send: false };
  return { document, operationName: operation.name?.value, field, responseKey, topic, args, channel: topic.channel(args), eventQuery, initialQuery };
}

interface QueryParts {
  queryField: string;
  responseKey: string;
  selections: readonly SelectionNode[];
  fragments: Record<string, FragmentDefinitionNode>;
  clientDefinitions: readonly VariableDefinitionNode[];
  rawVariables: Record<string, unknown>;
  operationName?: string;
}

/**
 * `query <name>($client vars it uses, $live_<arg>: <arg type>…) { <responseKey>: <queryField>(<arg>: $live_<arg>…) { <selections> } }`
 * plus the fragments the selections spread (transitively): only what the query uses, since
 * graphql-js refuses unused variables and fragments.
 */
function buildQuery(schema: GraphQLSchema, parts: QueryParts): LiveQuery {
  const fieldDef: GraphQLField<unknown, unknown> | undefined = schema.getQueryType()?.getFields()[parts.queryField];
  if (!fieldDef) throw new Error(`live topic query field Query.${parts.queryField} is not in the schema`);

  const usedFragments = new Set<string>();
  const usedVariables = new Set<string>();
  const walk = (node: SelectionNode | FragmentDefinitionNode) =>
    visit(node, {
      Variable: (variable) => void usedVariables.add(variable.name.value),
      FragmentSpread: (spread) => {
        const name = spread.name.value;
        if (usedFragments.has(name) || !parts.fragments[name]) return;
        usedFragments.add(name);
        walk(parts.fragments[name]);
      },
    });
  parts.selections.forEach(walk);

  const taken = new Set(parts.clientDefinitions.map((definition) => definition.variable.name.value));
  const generated = fieldDef.args.map((arg) => {
    let name = `live_${arg.name}`;
    while (taken.has(name)) name = `_${name}`;
    taken.add(name);
    return { arg: arg.name, variable: name, type: parseType(String(arg.type)) };
  });
  const name = (value: string) => ({ kind: Kind.NAME, value }) as const;
  const root: FieldNode = {
    kind: Kind.FIELD,
    alias: parts.responseKey === parts.queryField ? undefined : name(parts.responseKey),
    name: name(parts.queryField),
    arguments: generated.map((entry): ArgumentNode => ({ kind: Kind.ARGUMENT, name: name(entry.arg), value: { kind: Kind.VARIABLE, name: name(entry.variable) } })),
    selectionSet: { kind: Kind.SELECTION_SET, selections: parts.selections },
  };
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: OperationTypeNode.QUERY,
        name: parts.operationName ? name(parts.operationName) : undefined,
        variableDefinitions: [
          ...parts.clientDefinitions.filter((definition) => usedVariables.has(definition.variable.name.value)),
          ...generated.map((entry): VariableDefinitionNode => ({ kind: Kind.VARIABLE_DEFINITION, variable: { kind: Kind.VARIABLE, name: name(entry.variable) }, type: entry.type })),
        ],
        selectionSet: { kind: Kind.SELECTION_SET, selections: [root] },
      },
      ...Object.values(parts.fragments).filter((fragment) => usedFragments.has(fragment.name.value)),
    ],
  };
  const clientVariables: Record<string, unknown> = {};
  for (const used of usedVariables) {
    if (Object.hasOwn(parts.rawVariables, used)) clientVariables[used] = parts.rawVariables[used];
  }
  return {
    text: print(document),
    operationName: parts.operationName,
    clientVariables,
    variables(args) {
      const variables = { ...clientVariables };
      for (const entry of generated) {
        if (args[entry.arg] !== undefined) variables[entry.variable] = args[entry.arg];
      }
      return variables;
    },
  };
}

/** The event query's arguments for one event (the topic decides), or undefined when the event does not concern the subscriber. */
export function eventArgs(prepared: PreparedSubscription, event: LiveEvent): LiveArgs | undefined {
  const { topic, args } = prepared;
  if (topic.accepts && !topic.accepts(args as never, event)) return undefined;
  return topic.query.args(args as never, event);
}
