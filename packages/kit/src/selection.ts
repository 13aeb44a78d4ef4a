import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from "graphql";

/**
 * The names of the fields the operation selects at `path` below the field being resolved (aliases
 * resolved to field names, fragments and inline fragments followed), e.g. `selectedFields(info, "items")`
 * in a page resolver: which columns a query has to read. A field under @skip/@include counts as selected
 * (a superset is always safe). `__typename` is included when selected.
 */
export function selectedFields(info: Pick<GraphQLResolveInfo, "fieldNodes" | "fragments">, ...path: string[]): Set<string> {
  let level: readonly SelectionSetNode[] = info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  for (const name of path) level = fieldsOf(level, info.fragments).flatMap((node) => (node.name.value === name && node.selectionSet ? [node.selectionSet] : []));
  return new Set(fieldsOf(level, info.fragments).map((node) => node.name.value));
}

function fieldsOf(sets: readonly SelectionSetNode[], fragments: GraphQLResolveInfo["fragments"], seen = new Set<string>()): FieldNode[] {
  const fields: FieldNode[] = [];
  for (const set of sets) {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) fields.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) fields.push(...fieldsOf([selection.selectionSet], fragments, seen));
      else if (!seen.has(selection.name.value)) {
        // Each named fragment once: validation already refused cycles, this keeps the walk linear anyway.
        seen.add(selection.name.value);
        const fragment = fragments[selection.name.value];
        if (fragment) fields.push(...fieldsOf([fragment.selectionSet], fragments, seen));
      }
    }
  }
  return fields;
}
