// Every GraphQL operation of the console. Types come from GraphQL Code Generator's client preset
// (`npm run codegen` → src/gql), read from gateway/schema.graphql: nothing here is typed by hand.
import { graphql } from "./gql";

export const SessionUserFields = graphql(`
  fragment SessionUserFields on User {
    id
    username
    displayName
    roles
    permissions
  }
`);

export const LoginMutation = graphql(`
  mutation Login($username: String!, $password: String!) {
    login(username: $username, password: $password) {
      accessToken
      refreshToken
      expiresAt
      user {
        ...SessionUserFields
      }
    }
  }
`);

/** `$refreshToken` is left empty: the gateway fills it from the HttpOnly cookie. */
export const RefreshMutation = graphql(`
  mutation Refresh($refreshToken: String!) {
    refreshToken(token: $refreshToken) {
      accessToken
      refreshToken
      expiresAt
      user {
        ...SessionUserFields
      }
    }
  }
`);

export const LogoutMutation = graphql(`
  mutation Logout($allSessions: Boolean!, $refreshToken: String) {
    logout(allSessions: $allSessions, refreshToken: $refreshToken)
  }
`);

export const UserRowFields = graphql(`
  fragment UserRowFields on User {
    id
    username
    email
    displayName
    roles
    isActive
    lastLoginAt
    createdAt
  }
`);

export const UsersQuery = graphql(`
  query Users($filter: UserFilter, $sort: UserSort, $pagination: PaginationInput) {
    users(filter: $filter, sort: $sort, pagination: $pagination) {
      total
      items {
        ...UserRowFields
      }
    }
  }
`);

export const CreateUserMutation = graphql(`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      ...UserRowFields
    }
  }
`);

export const UpdateUserMutation = graphql(`
  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {
    updateUser(id: $id, input: $input) {
      ...UserRowFields
    }
  }
`);

export const DeactivateUserMutation = graphql(`
  mutation DeactivateUser($id: ID!) {
    deactivateUser(id: $id) {
      ...UserRowFields
    }
  }
`);

export const ActivateUserMutation = graphql(`
  mutation ActivateUser($id: ID!) {
    activateUser(id: $id) {
      ...UserRowFields
    }
  }
`);

export const DeleteUserMutation = graphql(`
  mutation DeleteUser($id: ID!) {
    deleteUser(id: $id)
  }
`);
