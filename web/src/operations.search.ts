// The shell's global search: targets and users by name, a few of each.
import { graphql } from "./gql";

export const GlobalSearchTargetsQuery = graphql(`
  query GlobalSearchTargets($search: String!) {
    targets(filter: { search: $search }, pagination: { limit: 5 }) {
      items {
        id
        name
        address
      }
    }
  }
`);

export const GlobalSearchUsersQuery = graphql(`
  query GlobalSearchUsers($search: String!) {
    users(filter: { search: $search }, pagination: { limit: 5 }) {
      items {
        id
        username
        displayName
      }
    }
  }
`);
