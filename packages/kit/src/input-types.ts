import { Field, getMetadataStorage, GraphQLISODateTime, InputType, type ClassType } from "type-graphql";

/** The fields of an update input made from a create input: each optional, null or left out meaning "unchanged". */
export type PartialOf<T, K extends keyof T = never> = { [P in Exclude<keyof T, K>]?: T[P] | null };

/**
 * An update input derived from a create input: the same fields in the same order with the same types, each
 * nullable, without the create's defaults and descriptions (they speak of creating). `omit` leaves out what
 * cannot change; a field redeclared in the subclass (`declare`) replaces the derived one in place, with its
 * own description:
 * `@InputType({ description: "Only the fields sent change." }) class UpdateTargetInput extends PartialInput(CreateTargetInput) {}`.
 * Call it after the create class is declared (its fields are read from type-graphql's metadata then).
 */
export function PartialInput<T extends object, K extends keyof T & string = never>(create: ClassType<T>, options: { omit?: readonly K[] } = {}) {
  const omitted = new Set<string>(options.omit ?? []);
  // Not emitted itself (like SortInput): only the subclasses are reachable.
  @InputType()
  abstract class PartialClass {}

  const storage = getMetadataStorage();
  const lineage: object[] = [];
  for (let type: object = create; type !== Function.prototype; type = Object.getPrototypeOf(type) as object) lineage.unshift(type);
  // By name, in first-declared order; a subclass's redeclaration wins (as in type-graphql's own inheritance).
  const byName = new Map(lineage.flatMap((type) => storage.fields.filter((field) => field.target === type && !omitted.has(field.name))).map((field) => [field.name, field]));
  const fields = [...byName.values()];
  if (fields.length === 0) throw new Error(`PartialInput(${create.name}): no fields (declare the create input first)`);
  for (const field of fields) {
    const typeOptions = { nullable: true as const };
    // type-graphql learns that a field is a list only when it first calls getType (`() => [Role]`): pass that on.
    const getType = () => {
      const type = field.getType();
      const { array, arrayDepth } = field.typeOptions;
      Object.assign(typeOptions, { array, arrayDepth });
      return type;
    };
    storage.collectClassFieldMetadata({ ...field, target: PartialClass, getType, typeOptions, description: undefined });
  }
  return PartialClass as unknown as ClassType<PartialOf<T, K>>;
}

/**
 * A list filter's time window on one timestamp, `from` inclusive and `to` exclusive, described with the timestamp's
 * name: `@InputType() class RunFilter extends TimeRangeFilter("Created") { … }` ("Created at or after.", "Created before.").
 */
export function TimeRangeFilter(timestamp: string) {
  // Not emitted itself (like SortInput): only the subclasses are reachable.
  @InputType()
  abstract class TimeRangeClass {
    @Field(() => GraphQLISODateTime, { nullable: true, description: `${timestamp} at or after.` }) from?: Date | null;
    @Field(() => GraphQLISODateTime, { nullable: true, description: `${timestamp} before.` }) to?: Date | null;
  }
  return TimeRangeClass;
}
