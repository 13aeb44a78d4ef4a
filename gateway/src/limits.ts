import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";

const limitError = (message: string) => new GraphQLError(message, { extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });

/**
 * A measure of a selection set where a fragment spread counts as the fragment's own measure.
 * Each fragment is measured once per document (memoized by name), so the work is linear in the
 * document however often fragments spread each other; a fragment that is being measured counts 0
 * when reached again (a cycle, which NoFragmentCyclesRule reports).
 */
function fragmentMeasure(
  context: ValidationContext,
  measure: (selectionSet: SelectionSetNode, ofFragment: (name: string) => number) => number,
): (selectionSet: SelectionSetNode) => number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of context.getDocument().definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const measured = new Map<string, number>();
  const inProgress = new Set<string>();
  const ofFragment = (name: string): number => {
    const known = measured.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return 0;
    inProgress.add(name);
    const value = measure(fragment.selectionSet, ofFragment);
    inProgress.delete(name);
    measured.set(name, value);
    return value;
  };
  return (selectionSet) => measure(selectionSet, ofFragment);
}

/** Deepest field nesting; `ofType` does not count (see depthLimit). */
const depthOf = (selectionSet: SelectionSetNode, ofFragment: (name: string) => number): number => {
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const own = selection.name.value === "ofType" ? 0 : 1;
      deepest = Math.max(deepest, own + (selection.selectionSet ? depthOf(selection.selectionSet, ofFragment) : 0));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, depthOf(selection.selectionSet, ofFragment));
    } else {
      deepest = Math.max(deepest, ofFragment(selection.name.value));
    }
  }
  return deepest;
};

/** Aliased fields as executed: a fragment spread twice counts its aliases twice. */
const aliasesOf = (selectionSet: SelectionSetNode, ofFragment: (name: string) => number): number => {
  let aliases = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.alias) aliases += 1;
      if (selection.selectionSet) aliases += aliasesOf(selection.selectionSet, ofFragment);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      aliases += aliasesOf(selection.selectionSet, ofFragment);
    } else {
      aliases += ofFragment(selection.name.value);
    }
  }
  return aliases;
};

/**
 * Rejects operations nested deeper than `max` fields (fragments are followed). `ofType` does not
 * count: it is the linear TypeRef chain of introspection (no fan-out), and counting it would reject
 * the standard introspection query that GraphiQL and codegen send.
 */
export function depthLimit(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const depth = fragmentMeasure(context, depthOf);
    return {
      OperationDefinition(node) {
        const deepest = depth(node.selectionSet);
        if (deepest > max) context.reportError(limitError(`Query depth ${deepest} exceeds the maximum of ${max}`));
      },
    };
  };
}

/**
 * Rejects operations with more than `max` aliased fields, counted as executed (a fragment's aliases
 * count at every spread), since aliases multiply the work one request asks for.
 */
export function aliasLimit(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const aliases = fragmentMeasure(context, aliasesOf);
    return {
      OperationDefinition(node) {
        if (aliases(node.selectionSet) > max) {
          context.reportError(limitError(`Too many aliases: more than the maximum of ${max}`));
        }
      },
    };
  };
}

/** Counts nodes of one kind in the document (one visit each) and reports once past `max`. */
function countLimit(kind: typeof Kind.DIRECTIVE | typeof Kind.FRAGMENT_DEFINITION, max: number, message: string): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    let count = 0;
    return {
      [kind]() {
        count += 1;
        if (count === max + 1) context.reportError(limitError(message));
      },
    };
  };
}

/** Rejects documents using more than `max` directives in total. */
export const directiveLimit = (max: number): ValidationRule =>
  countLimit(Kind.DIRECTIVE, max, `Too many directives: more than the maximum of ${max}`);

/** Rejects documents defining more than `max` fragments. */
export const fragmentLimit = (max: number): ValidationRule =>
  countLimit(Kind.FRAGMENT_DEFINITION, max, `Too many fragments: more than the maximum of ${max}`);

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxFragments: number;
  /** Lexical tokens per document; the parser stops at the first one past it. */
  maxTokens: number;
  /** Selections with every fragment spread expanded (fan-out), counted linearly by Apollo Server. */
  maxSelections: number;
}

/**
 * The Apollo Server settings that bound what one document may cost. Every check is linear in the
 * document: tokens are counted by the parser as it reads, fragments are measured once each.
 */
export function queryLimitOptions(limits: QueryLimits) {
  return {
    parseOptions: { maxTokens: limits.maxTokens },
    // Apollo's own rule: it memoizes per fragment, and runs our rules after it only when it passes.
    maxRecursiveSelections: limits.maxSelections,
    validationRules: [
      fragmentLimit(limits.maxFragments),
      directiveLimit(limits.maxDirectives),
      depthLimit(limits.maxDepth),
      aliasLimit(limits.maxAliases),
    ],
  };
}
