import type { RequestHandler } from "express";
import {
  GraphQLError,
  Kind,
  parse,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";

/** Each bound is optional (absent: not checked), so a rule can check one alone. */
export interface QueryLimits {
  /** Deepest field nesting; `ofType` does not count (see measure). */
  maxDepth?: number;
  /** Aliased fields per operation as executed (a fragment's aliases count at every spread). */
  maxAliases?: number;
  /** Directives per document. */
  maxDirectives?: number;
  /** Fragment definitions per document. */
  maxFragments?: number;
  /** Selections per operation with every fragment spread expanded (fan-out). */
  maxSelections?: number;
  /**
   * Fields with one response name in one selection set (inline fragments included; `__typename`
   * exempt). graphql-js compares such fields pairwise, and again at every nesting level
   * (OverlappingFieldsCanBeMerged): measured worst cases under the other limits were ~120 ms of
   * validation at 20 repeats, ~25 ms at 10 and ~7 ms at 8; 800 copies cost ~110 ms per request.
   */
  maxRepeatedFields?: number;
  /** Lexical tokens per document; the parser stops at the first one past it. */
  maxTokens?: number;
}

interface Measure {
  depth: number;
  aliases: number;
  selections: number;
}

const ZERO: Measure = { depth: 0, aliases: 0, selections: 0 };

/**
 * Every limit a document exceeds, as messages, in time linear in the document: each fragment is
 * measured once (memoized by name) and a spread adds the fragment's measure, so fragments that
 * spread each other twice per level cost one pass, not 2^levels. A fragment reached again while it
 * is being measured (a cycle, reported by NoFragmentCyclesRule) counts as empty.
 */
export function limitViolations(document: DocumentNode, limits: QueryLimits): string[] {
  const violations: string[] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  if (limits.maxFragments !== undefined && fragments.size > limits.maxFragments) {
    violations.push(`Too many fragments: more than the maximum of ${limits.maxFragments}`);
  }

  // Counted where each node is first measured: every definition is measured exactly once.
  let directives = 0;
  let mostRepeated = 0;
  const measured = new Map<string, Measure>();
  const inProgress = new Set<string>();
  const ofFragment = (name: string): Measure => {
    const known = measured.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return ZERO;
    inProgress.add(name);
    directives += fragment.directives?.length ?? 0;
    const measure = measureSet(fragment.selectionSet, new Map());
    inProgress.delete(name);
    measured.set(name, measure);
    return measure;
  };
  /** `responseNames` is shared with inline fragments: graphql-js merges their fields into the parent's. */
  function measureSet(selectionSet: SelectionSetNode, responseNames: Map<string, number>): Measure {
    let depth = 0;
    let aliases = 0;
    let selections = 0;
    for (const selection of selectionSet.selections) {
      selections += 1;
      directives += selection.directives?.length ?? 0;
      if (selection.kind === Kind.FIELD) {
        const responseName = selection.alias?.value ?? selection.name.value;
        // `__typename` is exempt: clients add it to every (inline) selection set, and it is cheap to compare.
        if (responseName !== "__typename") {
          const repeats = (responseNames.get(responseName) ?? 0) + 1;
          responseNames.set(responseName, repeats);
          mostRepeated = Math.max(mostRepeated, repeats);
        }
        const inner = selection.selectionSet ? measureSet(selection.selectionSet, new Map()) : ZERO;
        // `ofType` is the linear TypeRef chain of introspection (no fan-out); counting it would
        // reject the standard introspection query that GraphiQL and codegen send.
        depth = Math.max(depth, (selection.name.value === "ofType" ? 0 : 1) + inner.depth);
        aliases += (selection.alias ? 1 : 0) + inner.aliases;
        selections += inner.selections;
      } else {
        const inner =
          selection.kind === Kind.INLINE_FRAGMENT ? measureSet(selection.selectionSet, responseNames) : ofFragment(selection.name.value);
        depth = Math.max(depth, inner.depth);
        aliases += inner.aliases;
        selections += inner.selections;
      }
    }
    return { depth, aliases, selections };
  }

  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    directives += definition.directives?.length ?? 0;
    for (const variable of definition.variableDefinitions ?? []) directives += variable.directives?.length ?? 0;
    const { depth, aliases, selections } = measureSet(definition.selectionSet, new Map());
    const operation = definition.name ? `Operation "${definition.name.value}"` : "Anonymous operation";
    if (limits.maxDepth !== undefined && depth > limits.maxDepth) {
      violations.push(`Query depth ${depth} exceeds the maximum of ${limits.maxDepth}`);
    }
    if (limits.maxAliases !== undefined && aliases > limits.maxAliases) {
      violations.push(`Too many aliases: more than the maximum of ${limits.maxAliases}`);
    }
    if (limits.maxSelections !== undefined && selections > limits.maxSelections) {
      violations.push(`${operation} requests too many selections: more than the maximum of ${limits.maxSelections} with fragments expanded`);
    }
  }
  for (const name of fragments.keys()) ofFragment(name); // fragments no operation spreads
  if (limits.maxDirectives !== undefined && directives > limits.maxDirectives) {
    violations.push(`Too many directives: more than the maximum of ${limits.maxDirectives}`);
  }
  if (limits.maxRepeatedFields !== undefined && mostRepeated > limits.maxRepeatedFields) {
    violations.push(`A field is selected ${mostRepeated} times in one selection set: more than the maximum of ${limits.maxRepeatedFields}`);
  }
  return violations;
}

const limitError = (message: string) => new GraphQLError(message, { extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });

/** The limits as a validation rule (for Apollo's own validation, after the gate below). */
export function limitRule(limits: QueryLimits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    Document(node) {
      for (const message of limitViolations(node, limits)) context.reportError(limitError(message));
    },
  });
}

export const depthLimit = (max: number) => limitRule({ maxDepth: max });
export const aliasLimit = (max: number) => limitRule({ maxAliases: max });
export const directiveLimit = (max: number) => limitRule({ maxDirectives: max });
export const fragmentLimit = (max: number) => limitRule({ maxFragments: max });

/**
 * Express middleware in front of Apollo: parses the document (stopping at `maxTokens`) and refuses
 * it with Apollo's error shape when it exceeds a limit, before graphql-js's own validation rules
 * run, since some of those are not linear. Accepted query texts are remembered (bounded in count
 * and size), so a repeated query is parsed here once.
 */
export function limitsGate(limits: QueryLimits, remember = 1_000, rememberUpToChars = 16_384): RequestHandler {
  const accepted = new Set<string>();
  const refuse = (res: Parameters<RequestHandler>[1], code: string, messages: string[]) => {
    res.status(400).json({ errors: messages.map((message) => ({ message, extensions: { code } })) });
  };
  return (req, res, next) => {
    const source = req.method === "GET" ? req.query?.query : (req.body as { query?: unknown } | undefined)?.query;
    if (typeof source !== "string" || accepted.has(source)) return next();
    let document: DocumentNode;
    try {
      document = parse(source, { maxTokens: limits.maxTokens, noLocation: true });
    } catch (error) {
      return refuse(res, "GRAPHQL_PARSE_FAILED", [(error as Error).message]);
    }
    const violations = limitViolations(document, limits);
    if (violations.length > 0) return refuse(res, "GRAPHQL_VALIDATION_FAILED", violations);
    if (source.length <= rememberUpToChars) {
      if (accepted.size >= remember) accepted.delete(accepted.values().next().value as string);
      accepted.add(source);
    }
    next();
  };
}

/**
 * The Apollo Server settings that bound what one document may cost: the parser's token limit and
 * the same limits as a validation rule, for any path that does not pass through `limitsGate`.
 */
export function queryLimitOptions(limits: QueryLimits) {
  return {
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: [limitRule(limits)],
  };
}

/** The environment variables `limitsEnv` parses. */
export interface LimitsEnv {
  MAX_QUERY_DEPTH: number;
  MAX_ALIASES: number;
  MAX_DIRECTIVES: number;
  MAX_FRAGMENTS: number;
  MAX_TOKENS: number;
  MAX_SELECTIONS: number;
  MAX_REPEATED_FIELDS: number;
}

/** The limits named by the environment (`limitsEnv`): one mapping for the gateway and every subgraph. */
export function limitsFromEnv(env: LimitsEnv): QueryLimits {
  return {
    maxDepth: env.MAX_QUERY_DEPTH,
    maxAliases: env.MAX_ALIASES,
    maxDirectives: env.MAX_DIRECTIVES,
    maxFragments: env.MAX_FRAGMENTS,
    maxTokens: env.MAX_TOKENS,
    maxSelections: env.MAX_SELECTIONS,
    maxRepeatedFields: env.MAX_REPEATED_FIELDS,
  };
}
