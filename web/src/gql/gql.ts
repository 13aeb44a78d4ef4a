/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment CredentialRowFields on Credential {\n    id\n    name\n    type\n    username\n    description\n    hasSecret\n    secretFields\n    keyAlgorithm\n    publicKeyFingerprint\n    securityLevel\n    lastUsedAt\n    updatedAt\n  }\n": typeof types.CredentialRowFieldsFragmentDoc,
    "\n  query Credentials($pagination: PaginationInput) {\n    credentials(pagination: $pagination) {\n      total\n      items {\n        ...CredentialRowFields\n      }\n    }\n  }\n": typeof types.CredentialsDocument,
    "\n  mutation CreateCredential($input: CreateCredentialInput!) {\n    createCredential(input: $input) {\n      ...CredentialRowFields\n    }\n  }\n": typeof types.CreateCredentialDocument,
    "\n  mutation UpdateCredential($id: ID!, $input: UpdateCredentialInput!) {\n    updateCredential(id: $id, input: $input) {\n      ...CredentialRowFields\n    }\n  }\n": typeof types.UpdateCredentialDocument,
    "\n  mutation DeleteCredential($id: ID!) {\n    deleteCredential(id: $id)\n  }\n": typeof types.DeleteCredentialDocument,
    "\n  query GlobalSearchTargets($search: String!) {\n    targets(filter: { search: $search }, pagination: { limit: 5 }) {\n      items {\n        id\n        name\n        address\n      }\n    }\n  }\n": typeof types.GlobalSearchTargetsDocument,
    "\n  query GlobalSearchUsers($search: String!) {\n    users(filter: { search: $search }, pagination: { limit: 5 }) {\n      items {\n        id\n        username\n        displayName\n      }\n    }\n  }\n": typeof types.GlobalSearchUsersDocument,
    "\n  mutation ImportTargets($input: ImportTargetsInput!) {\n    importTargets(input: $input) {\n      ok\n      dryRun\n      total\n      valid\n      created\n      errors {\n        row\n        field\n        message\n      }\n    }\n  }\n": typeof types.ImportTargetsDocument,
    "\n  query ExportTargets($filter: TargetFilter, $format: TransferFormat!) {\n    exportTargets(filter: $filter, format: $format) {\n      format\n      contentType\n      count\n      content\n    }\n  }\n": typeof types.ExportTargetsDocument,
    "\n  fragment SessionUserFields on User {\n    id\n    username\n    displayName\n    roles\n    permissions\n  }\n": typeof types.SessionUserFieldsFragmentDoc,
    "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      accessToken\n      refreshToken\n      expiresAt\n      user {\n        ...SessionUserFields\n      }\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Refresh($refreshToken: String!) {\n    refreshToken(token: $refreshToken) {\n      accessToken\n      refreshToken\n      expiresAt\n      user {\n        ...SessionUserFields\n      }\n    }\n  }\n": typeof types.RefreshDocument,
    "\n  mutation Logout($allSessions: Boolean!, $refreshToken: String) {\n    logout(allSessions: $allSessions, refreshToken: $refreshToken)\n  }\n": typeof types.LogoutDocument,
    "\n  fragment UserRowFields on User {\n    id\n    username\n    email\n    displayName\n    roles\n    isActive\n    lastLoginAt\n    createdAt\n  }\n": typeof types.UserRowFieldsFragmentDoc,
    "\n  query Users($filter: UserFilter, $sort: UserSort, $pagination: PaginationInput) {\n    users(filter: $filter, sort: $sort, pagination: $pagination) {\n      total\n      items {\n        ...UserRowFields\n      }\n    }\n  }\n": typeof types.UsersDocument,
    "\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      ...UserRowFields\n    }\n  }\n": typeof types.CreateUserDocument,
    "\n  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {\n    updateUser(id: $id, input: $input) {\n      ...UserRowFields\n    }\n  }\n": typeof types.UpdateUserDocument,
    "\n  mutation DeactivateUser($id: ID!) {\n    deactivateUser(id: $id) {\n      ...UserRowFields\n    }\n  }\n": typeof types.DeactivateUserDocument,
    "\n  mutation ActivateUser($id: ID!) {\n    activateUser(id: $id) {\n      ...UserRowFields\n    }\n  }\n": typeof types.ActivateUserDocument,
    "\n  mutation DeleteUser($id: ID!) {\n    deleteUser(id: $id)\n  }\n": typeof types.DeleteUserDocument,
    "\n  fragment TargetRowFields on Target {\n    id\n    serialNumber\n    name\n    address\n    port\n    osType\n    environment\n    tags\n    healthStatus\n    lastCheckedAt\n  }\n": typeof types.TargetRowFieldsFragmentDoc,
    "\n  query Targets($filter: TargetFilter, $sort: TargetSort, $pagination: PaginationInput) {\n    targets(filter: $filter, sort: $sort, pagination: $pagination) {\n      total\n      items {\n        ...TargetRowFields\n      }\n    }\n  }\n": typeof types.TargetsDocument,
};
const documents: Documents = {
    "\n  fragment CredentialRowFields on Credential {\n    id\n    name\n    type\n    username\n    description\n    hasSecret\n    secretFields\n    keyAlgorithm\n    publicKeyFingerprint\n    securityLevel\n    lastUsedAt\n    updatedAt\n  }\n": types.CredentialRowFieldsFragmentDoc,
    "\n  query Credentials($pagination: PaginationInput) {\n    credentials(pagination: $pagination) {\n      total\n      items {\n        ...CredentialRowFields\n      }\n    }\n  }\n": types.CredentialsDocument,
    "\n  mutation CreateCredential($input: CreateCredentialInput!) {\n    createCredential(input: $input) {\n      ...CredentialRowFields\n    }\n  }\n": types.CreateCredentialDocument,
    "\n  mutation UpdateCredential($id: ID!, $input: UpdateCredentialInput!) {\n    updateCredential(id: $id, input: $input) {\n      ...CredentialRowFields\n    }\n  }\n": types.UpdateCredentialDocument,
    "\n  mutation DeleteCredential($id: ID!) {\n    deleteCredential(id: $id)\n  }\n": types.DeleteCredentialDocument,
    "\n  query GlobalSearchTargets($search: String!) {\n    targets(filter: { search: $search }, pagination: { limit: 5 }) {\n      items {\n        id\n        name\n        address\n      }\n    }\n  }\n": types.GlobalSearchTargetsDocument,
    "\n  query GlobalSearchUsers($search: String!) {\n    users(filter: { search: $search }, pagination: { limit: 5 }) {\n      items {\n        id\n        username\n        displayName\n      }\n    }\n  }\n": types.GlobalSearchUsersDocument,
    "\n  mutation ImportTargets($input: ImportTargetsInput!) {\n    importTargets(input: $input) {\n      ok\n      dryRun\n      total\n      valid\n      created\n      errors {\n        row\n        field\n        message\n      }\n    }\n  }\n": types.ImportTargetsDocument,
    "\n  query ExportTargets($filter: TargetFilter, $format: TransferFormat!) {\n    exportTargets(filter: $filter, format: $format) {\n      format\n      contentType\n      count\n      content\n    }\n  }\n": types.ExportTargetsDocument,
    "\n  fragment SessionUserFields on User {\n    id\n    username\n    displayName\n    roles\n    permissions\n  }\n": types.SessionUserFieldsFragmentDoc,
    "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      accessToken\n      refreshToken\n      expiresAt\n      user {\n        ...SessionUserFields\n      }\n    }\n  }\n": types.LoginDocument,
    "\n  mutation Refresh($refreshToken: String!) {\n    refreshToken(token: $refreshToken) {\n      accessToken\n      refreshToken\n      expiresAt\n      user {\n        ...SessionUserFields\n      }\n    }\n  }\n": types.RefreshDocument,
    "\n  mutation Logout($allSessions: Boolean!, $refreshToken: String) {\n    logout(allSessions: $allSessions, refreshToken: $refreshToken)\n  }\n": types.LogoutDocument,
    "\n  fragment UserRowFields on User {\n    id\n    username\n    email\n    displayName\n    roles\n    isActive\n    lastLoginAt\n    createdAt\n  }\n": types.UserRowFieldsFragmentDoc,
    "\n  query Users($filter: UserFilter, $sort: UserSort, $pagination: PaginationInput) {\n    users(filter: $filter, sort: $sort, pagination: $pagination) {\n      total\n      items {\n        ...UserRowFields\n      }\n    }\n  }\n": types.UsersDocument,
    "\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      ...UserRowFields\n    }\n  }\n": types.CreateUserDocument,
    "\n  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {\n    updateUser(id: $id, input: $input) {\n      ...UserRowFields\n    }\n  }\n": types.UpdateUserDocument,
    "\n  mutation DeactivateUser($id: ID!) {\n    deactivateUser(id: $id) {\n      ...UserRowFields\n    }\n  }\n": types.DeactivateUserDocument,
    "\n  mutation ActivateUser($id: ID!) {\n    activateUser(id: $id) {\n      ...UserRowFields\n    }\n  }\n": types.ActivateUserDocument,
    "\n  mutation DeleteUser($id: ID!) {\n    deleteUser(id: $id)\n  }\n": types.DeleteUserDocument,
    "\n  fragment TargetRowFields on Target {\n    id\n    serialNumber\n    name\n    address\n    port\n    osType\n    environment\n    tags\n    healthStatus\n    lastCheckedAt\n  }\n": types.TargetRowFieldsFragmentDoc,
    "\n  query Targets($filter: TargetFilter, $sort: TargetSort, $pagination: PaginationInput) {\n    targets(filter: $filter, sort: $sort, pagination: $pagination) {\n      total\n      items {\n        ...TargetRowFields\n      }\n    }\n  }\n": types.TargetsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CredentialRowFields on Credential {\n    id\n    name\n    type\n    username\n    description\n    hasSecret\n    secretFields\n    keyAlgorithm\n    publicKeyFingerprint\n    securityLevel\n    lastUsedAt\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment CredentialRowFields on Credential {\n    id\n    name\n    type\n    username\n    description\n    hasSecret\n    secretFields\n    keyAlgorithm\n    publicKeyFingerprint\n    securityLevel\n    lastUsedAt\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Credentials($pagination: PaginationInput) {\n    credentials(pagination: $pagination) {\n      total\n      items {\n        ...CredentialRowFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Credentials($pagination: PaginationInput) {\n    credentials(pagination: $pagination) {\n      total\n      items {\n        ...CredentialRowFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateCredential($input: CreateCredentialInput!) {\n    createCredential(input: $input) {\n      ...CredentialRowFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateCredential($input: CreateCredentialInput!) {\n    createCredential(input: $input) {\n      ...CredentialRowFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateCredential($id: ID!, $input: UpdateCredentialInput!) {\n    updateCredential(id: $id, input: $input) {\n      ...CredentialRowFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateCredential($id: ID!, $input: UpdateCredentialInput!) {\n    updateCredential(id: $id, input: $input) {\n      ...CredentialRowFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteCredential($id: ID!) {\n    deleteCredential(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteCredential($id: ID!) {\n    deleteCredential(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GlobalSearchTargets($search: String!) {\n    targets(filter: { search: $search }, pagination: { limit: 5 }) {\n      items {\n        id\n        name\n        address\n      }\n    }\n  }\n"): (typeof documents)["\n  query GlobalSearchTargets($search: String!) {\n    targets(filter: { search: $search }, pagination: { limit: 5 }) {\n      items {\n        id\n        name\n        address\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GlobalSearchUsers($search: String!) {\n    users(filter: { search: $search }, pagination: { limit: 5 }) {\n      items {\n        id\n        username\n        displayName\n      }\n    }\n  }\n"): (typeof documents)["\n  query GlobalSearchUsers($search: String!) {\n    users(filter: { search: $search }, pagination: { limit: 5 }) {\n      items {\n        id\n        username\n        displayName\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ImportTargets($input: ImportTargetsInput!) {\n    importTargets(input: $input) {\n      ok\n      dryRun\n      total\n      valid\n      created\n      errors {\n        row\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ImportTargets($input: ImportTargetsInput!) {\n    importTargets(input: $input) {\n      ok\n      dryRun\n      total\n      valid\n      created\n      errors {\n        row\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExportTargets($filter: TargetFilter, $format: TransferFormat!) {\n    exportTargets(filter: $filter, format: $format) {\n      format\n      contentType\n      count\n      content\n    }\n  }\n"): (typeof documents)["\n  query ExportTargets($filter: TargetFilter, $format: TransferFormat!) {\n    exportTargets(filter: $filter, format: $format) {\n      format\n      contentType\n      count\n      content\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SessionUserFields on User {\n    id\n    username\n    displayName\n    roles\n    permissions\n  }\n"): (typeof documents)["\n  fragment SessionUserFields on User {\n    id\n    username\n    displayName\n    roles\n    permissions\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      accessToken\n      refreshToken\n      expiresAt\n      user {\n        ...SessionUserFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      accessToken\n      refreshToken\n      expiresAt\n      user {\n        ...SessionUserFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Refresh($refreshToken: String!) {\n    refreshToken(token: $refreshToken) {\n      accessToken\n      refreshToken\n      expiresAt\n      user {\n        ...SessionUserFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Refresh($refreshToken: String!) {\n    refreshToken(token: $refreshToken) {\n      accessToken\n      refreshToken\n      expiresAt\n      user {\n        ...SessionUserFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout($allSessions: Boolean!, $refreshToken: String) {\n    logout(allSessions: $allSessions, refreshToken: $refreshToken)\n  }\n"): (typeof documents)["\n  mutation Logout($allSessions: Boolean!, $refreshToken: String) {\n    logout(allSessions: $allSessions, refreshToken: $refreshToken)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment UserRowFields on User {\n    id\n    username\n    email\n    displayName\n    roles\n    isActive\n    lastLoginAt\n    createdAt\n  }\n"): (typeof documents)["\n  fragment UserRowFields on User {\n    id\n    username\n    email\n    displayName\n    roles\n    isActive\n    lastLoginAt\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Users($filter: UserFilter, $sort: UserSort, $pagination: PaginationInput) {\n    users(filter: $filter, sort: $sort, pagination: $pagination) {\n      total\n      items {\n        ...UserRowFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Users($filter: UserFilter, $sort: UserSort, $pagination: PaginationInput) {\n    users(filter: $filter, sort: $sort, pagination: $pagination) {\n      total\n      items {\n        ...UserRowFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      ...UserRowFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      ...UserRowFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {\n    updateUser(id: $id, input: $input) {\n      ...UserRowFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {\n    updateUser(id: $id, input: $input) {\n      ...UserRowFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeactivateUser($id: ID!) {\n    deactivateUser(id: $id) {\n      ...UserRowFields\n    }\n  }\n"): (typeof documents)["\n  mutation DeactivateUser($id: ID!) {\n    deactivateUser(id: $id) {\n      ...UserRowFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ActivateUser($id: ID!) {\n    activateUser(id: $id) {\n      ...UserRowFields\n    }\n  }\n"): (typeof documents)["\n  mutation ActivateUser($id: ID!) {\n    activateUser(id: $id) {\n      ...UserRowFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteUser($id: ID!) {\n    deleteUser(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteUser($id: ID!) {\n    deleteUser(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TargetRowFields on Target {\n    id\n    serialNumber\n    name\n    address\n    port\n    osType\n    environment\n    tags\n    healthStatus\n    lastCheckedAt\n  }\n"): (typeof documents)["\n  fragment TargetRowFields on Target {\n    id\n    serialNumber\n    name\n    address\n    port\n    osType\n    environment\n    tags\n    healthStatus\n    lastCheckedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Targets($filter: TargetFilter, $sort: TargetSort, $pagination: PaginationInput) {\n    targets(filter: $filter, sort: $sort, pagination: $pagination) {\n      total\n      items {\n        ...TargetRowFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Targets($filter: TargetFilter, $sort: TargetSort, $pagination: PaginationInput) {\n    targets(filter: $filter, sort: $sort, pagination: $pagination) {\n      total\n      items {\n        ...TargetRowFields\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;