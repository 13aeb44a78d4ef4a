// The Import/Export screen's operations (typed by `npm run codegen`).
import { graphql } from "./gql";

export const ImportTargetsMutation = graphql(`
  mutation ImportTargets($input: ImportTargetsInput!) {
    importTargets(input: $input) {
      ok
      dryRun
      total
      valid
      created
      errors {
        row
        field
        message
      }
    }
  }
`);

export const ExportTargetsQuery = graphql(`
  query ExportTargets($filter: TargetFilter, $format: TransferFormat!) {
    exportTargets(filter: $filter, format: $format) {
      format
      contentType
      count
      content
    }
  }
`);
