import { graphqlEnum, type EnumOf } from "@opsconductor/kit/subgraph";
import { Field, InputType, Int, ObjectType } from "type-graphql";

export const TransferFormat = graphqlEnum("TransferFormat", ["CSV", "JSON"]);
export type TransferFormat = EnumOf<typeof TransferFormat>;

@ObjectType({ description: "One problem in an import: the 1-based data row (0 = the file itself), the column and what is wrong." })
export class ImportProblem {
  @Field(() => Int)
  row!: number;

  @Field()
  field!: string;

  @Field()
  message!: string;
}

@ObjectType({ description: "What an import found and did. Nothing is written unless ok and not dryRun (all or nothing)." })
export class ImportReport {
  @Field()
  ok!: boolean;

  @Field()
  dryRun!: boolean;

  @Field(() => Int, { description: "Data rows read." })
  total!: number;

  @Field(() => Int, { description: "Rows that passed every check." })
  valid!: number;

  @Field(() => Int, { description: "Targets written (0 on a dry run or when any row failed)." })
  created!: number;

  @Field(() => [ImportProblem])
  errors!: ImportProblem[];
}

@ObjectType()
export class TargetExport {
  @Field(() => TransferFormat)
  format!: TransferFormat;

  @Field()
  contentType!: string;

  @Field(() => Int)
  count!: number;

  @Field({ description: "The file: CSV with a header row, or a JSON array. Never contains secrets." })
  content!: string;
}

@InputType()
export class ImportTargetsInput {
  @Field(() => TransferFormat)
  format!: TransferFormat;

  @Field({ description: "The file's text (at most 5,000 rows)." })
  content!: string;

  @Field({ defaultValue: false, description: "Validate and report only; writes nothing." })
  dryRun!: boolean;
}
