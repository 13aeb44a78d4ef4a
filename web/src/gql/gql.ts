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
    "\n  fragment TargetListFields on Target {\n    id\n    serialNumber\n    name\n    address\n    port\n    osType\n    environment\n    tags\n    description\n    healthStatus\n    lastCheckedAt\n    updatedAt\n    deviceType {\n      id\n      name\n    }\n  }\n": typeof types.TargetListFieldsFragmentDoc,
    "\n  query TargetList($filter: TargetFilter, $sort: TargetSort, $pagination: PaginationInput) {\n    targets(filter: $filter, sort: $sort, pagination: $pagination) {\n      total\n      items {\n        ...TargetListFields\n      }\n    }\n  }\n": typeof types.TargetListDocument,
    "\n  query TargetChoices {\n    deviceTypes {\n      id\n      key\n      name\n      category\n    }\n    savedGroups {\n      id\n      name\n      description\n      filter {\n        search\n        tags\n        environment\n        osType\n        deviceTypeId\n        namePattern\n        healthStatus\n      }\n    }\n  }\n": typeof types.TargetChoicesDocument,
    "\n  mutation CreateSavedGroup($input: SavedGroupInput!) {\n    createSavedGroup(input: $input) {\n      id\n      name\n    }\n  }\n": typeof types.CreateSavedGroupDocument,
    "\n  mutation DeleteSavedGroup($id: ID!) {\n    deleteSavedGroup(id: $id)\n  }\n": typeof types.DeleteSavedGroupDocument,
    "\n  mutation CreateTarget($input: CreateTargetInput!) {\n    createTarget(input: $input) {\n      ...TargetListFields\n    }\n  }\n": typeof types.CreateTargetDocument,
    "\n  mutation UpdateTarget($id: ID!, $input: UpdateTargetInput!) {\n    updateTarget(id: $id, input: $input) {\n      ...TargetListFields\n    }\n  }\n": typeof types.UpdateTargetDocument,
    "\n  mutation DeleteTarget($id: ID!) {\n    deleteTarget(id: $id)\n  }\n": typeof types.DeleteTargetDocument,
    "\n  fragment ConnectionCheckFields on ConnectionCheck {\n    id\n    targetId\n    methodId\n    methodType\n    ok\n    latencyMs\n    errorCategory\n    message\n    serverVersion\n    checkedAt\n  }\n": typeof types.ConnectionCheckFieldsFragmentDoc,
    "\n  fragment ConnectionTestBatchFields on ConnectionTestBatch {\n    id\n    total\n    done\n    ok\n    failed\n    finishedAt\n    error\n    results {\n      ...ConnectionCheckFields\n    }\n  }\n": typeof types.ConnectionTestBatchFieldsFragmentDoc,
    "\n  mutation TestTargetConnections($ids: [ID!]) {\n    testTargetConnections(ids: $ids) {\n      ...ConnectionTestBatchFields\n    }\n  }\n": typeof types.TestTargetConnectionsDocument,
    "\n  query ConnectionTestBatch($id: ID!) {\n    connectionTestBatch(id: $id) {\n      ...ConnectionTestBatchFields\n    }\n  }\n": typeof types.ConnectionTestBatchDocument,
    "\n  subscription ConnectionTestBatchUpdated($batchId: ID!) {\n    connectionTestBatchUpdated(batchId: $batchId) {\n      ...ConnectionTestBatchFields\n    }\n  }\n": typeof types.ConnectionTestBatchUpdatedDocument,
    "\n  query TargetDetail($id: ID!, $history: Int) {\n    target(id: $id) {\n      ...TargetListFields\n      createdAt\n      createdBy {\n        id\n        username\n      }\n      connectionMethods {\n        id\n        type\n        port\n        isPrimary\n        username\n        https\n        authType\n        snmpVersion\n        basePath\n        tlsVerify\n        hostKeyFingerprint\n        pendingHostKeyFingerprint\n        credentialId\n        credential {\n          id\n          name\n          type\n          username\n          hasSecret\n          secretFields\n          keyAlgorithm\n          publicKeyFingerprint\n          lastUsedAt\n        }\n      }\n      checkHistory(limit: $history) {\n        ...ConnectionCheckFields\n      }\n    }\n  }\n": typeof types.TargetDetailDocument,
    "\n  mutation TestTargetConnection($id: ID!, $methodId: ID) {\n    testTargetConnection(id: $id, methodId: $methodId) {\n      ...ConnectionCheckFields\n    }\n  }\n": typeof types.TestTargetConnectionDocument,
    "\n  mutation AcceptTargetHostKey($methodId: ID!) {\n    acceptTargetHostKey(methodId: $methodId) {\n      id\n      hostKeyFingerprint\n      pendingHostKeyFingerprint\n    }\n  }\n": typeof types.AcceptTargetHostKeyDocument,
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
};
const documents: Documents = {
    "\n  fragment CredentialRowFields on Credential {\n    id\n    name\n    type\n    username\n    description\n    hasSecret\n    secretFields\n    keyAlgorithm\n    publicKeyFingerprint\n    securityLevel\n    lastUsedAt\n    updatedAt\n  }\n": types.CredentialRowFieldsFragmentDoc,
    "\n  query Credentials($pagination: PaginationInput) {\n    credentials(pagination: $pagination) {\n      total\n      items {\n        ...CredentialRowFields\n      }\n    }\n  }\n": types.CredentialsDocument,
    "\n  mutation CreateCredential($input: CreateCredentialInput!) {\n    createCredential(input: $input) {\n      ...CredentialRowFields\n    }\n  }\n": types.CreateCredentialDocument,
    "\n  mutation UpdateCredential($id: ID!, $input: UpdateCredentialInput!) {\n    updateCredential(id: $id, input: $input) {\n      ...CredentialRowFields\n    }\n  }\n": types.UpdateCredentialDocument,
    "\n  mutation DeleteCredential($id: ID!) {\n    deleteCredential(id: $id)\n  }\n": types.DeleteCredentialDocument,
    "\n  query GlobalSearchTargets($search: String!) {\n    targets(filter: { search: $search }, pagination: { limit: 5 }) {\n      items {\n        id\n        name\n        address\n      }\n    }\n  }\n": types.GlobalSearchTargetsDocument,
    "\n  query GlobalSearchUsers($search: String!) {\n    users(filter: { search: $search }, pagination: { limit: 5 }) {\n      items {\n        id\n        username\n        displayName\n      }\n    }\n  }\n": types.GlobalSearchUsersDocument,
    "\n  fragment TargetListFields on Target {\n    id\n    serialNumber\n    name\n    address\n    port\n    osType\n    environment\n    tags\n    description\n    healthStatus\n    lastCheckedAt\n    updatedAt\n    deviceType {\n      id\n      name\n    }\n  }\n": types.TargetListFieldsFragmentDoc,
    "\n  query TargetList($filter: TargetFilter, $sort: TargetSort, $pagination: PaginationInput) {\n    targets(filter: $filter, sort: $sort, pagination: $pagination) {\n      total\n      items {\n        ...TargetListFields\n      }\n    }\n  }\n": types.TargetListDocument,
    "\n  query TargetChoices {\n    deviceTypes {\n      id\n      key\n      name\n      category\n    }\n    savedGroups {\n      id\n      name\n      description\n      filter {\n        search\n        tags\n        environment\n        osType\n        deviceTypeId\n        namePattern\n        healthStatus\n      }\n    }\n  }\n": types.TargetChoicesDocument,
    "\n  mutation CreateSavedGroup($input: SavedGroupInput!) {\n    createSavedGroup(input: $input) {\n      id\n      name\n    }\n  }\n": types.CreateSavedGroupDocument,
    "\n  mutation DeleteSavedGroup($id: ID!) {\n    deleteSavedGroup(id: $id)\n  }\n": types.DeleteSavedGroupDocument,
    "\n  mutation CreateTarget($input: CreateTargetInput!) {\n    createTarget(input: $input) {\n      ...TargetListFields\n    }\n  }\n": types.CreateTargetDocument,
    "\n  mutation UpdateTarget($id: ID!, $input: UpdateTargetInput!) {\n    updateTarget(id: $id, input: $input) {\n      ...TargetListFields\n    }\n  }\n": types.UpdateTargetDocument,
    "\n  mutation DeleteTarget($id: ID!) {\n    deleteTarget(id: $id)\n  }\n": types.DeleteTargetDocument,
    "\n  fragment ConnectionCheckFields on ConnectionCheck {\n    id\n    targetId\n    methodId\n    methodType\n    ok\n    latencyMs\n    errorCategory\n    message\n    serverVersion\n    checkedAt\n  }\n": types.ConnectionCheckFieldsFragmentDoc,
    "\n  fragment ConnectionTestBatchFields on ConnectionTestBatch {\n    id\n    total\n    done\n    ok\n    failed\n    finishedAt\n    error\n    results {\n      ...ConnectionCheckFields\n    }\n  }\n": types.ConnectionTestBatchFieldsFragmentDoc,
    "\n  mutation TestTargetConnections($ids: [ID!]) {\n    testTargetConnections(ids: $ids) {\n      ...ConnectionTestBatchFields\n    }\n  }\n": types.TestTargetConnectionsDocument,
    "\n  query ConnectionTestBatch($id: ID!) {\n    connectionTestBatch(id: $id) {\n      ...ConnectionTestBatchFields\n    }\n  }\n": types.ConnectionTestBatchDocument,
    "\n  subscription ConnectionTestBatchUpdated($batchId: ID!) {\n    connectionTestBatchUpdated(batchId: $batchId) {\n      ...ConnectionTestBatchFields\n    }\n  }\n": types.ConnectionTestBatchUpdatedDocument,
    "\n  query TargetDetail($id: ID!, $history: Int) {\n    target(id: $id) {\n      ...TargetListFields\n      createdAt\n      createdBy {\n        id\n        username\n      }\n      connectionMethods {\n        id\n        type\n        port\n        isPrimary\n        username\n        https\n        authType\n        snmpVersion\n        basePath\n        tlsVerify\n        hostKeyFingerprint\n        pendingHostKeyFingerprint\n        credentialId\n        credential {\n          id\n          name\n          type\n          username\n          hasSecret\n          secretFields\n          keyAlgorithm\n          publicKeyFingerprint\n          lastUsedAt\n        }\n      }\n      checkHistory(limit: $history) {\n        ...ConnectionCheckFields\n      }\n    }\n  }\n": types.TargetDetailDocument,
    "\n  mutation TestTargetConnection($id: ID!, $methodId: ID) {\n    testTargetConnection(id: $id, methodId: $methodId) {\n      ...ConnectionCheckFields\n    }\n  }\n": types.TestTargetConnectionDocument,
    "\n  mutation AcceptTargetHostKey($methodId: ID!) {\n    acceptTargetHostKey(methodId: $methodId) {\n      id\n      hostKeyFingerprint\n      pendingHostKeyFingerprint\n    }\n  }\n": types.AcceptTargetHostKeyDocument,
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
export function graphql(source: "\n  fragment TargetListFields on Target {\n    id\n    serialNumber\n    name\n    address\n    port\n    osType\n    environment\n    tags\n    description\n    healthStatus\n    lastCheckedAt\n    updatedAt\n    deviceType {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment TargetListFields on Target {\n    id\n    serialNumber\n    name\n    address\n    port\n    osType\n    environment\n    tags\n    description\n    healthStatus\n    lastCheckedAt\n    updatedAt\n    deviceType {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TargetList($filter: TargetFilter, $sort: TargetSort, $pagination: PaginationInput) {\n    targets(filter: $filter, sort: $sort, pagination: $pagination) {\n      total\n      items {\n        ...TargetListFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query TargetList($filter: TargetFilter, $sort: TargetSort, $pagination: PaginationInput) {\n    targets(filter: $filter, sort: $sort, pagination: $pagination) {\n      total\n      items {\n        ...TargetListFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TargetChoices {\n    deviceTypes {\n      id\n      key\n      name\n      category\n    }\n    savedGroups {\n      id\n      name\n      description\n      filter {\n        search\n        tags\n        environment\n        osType\n        deviceTypeId\n        namePattern\n        healthStatus\n      }\n    }\n  }\n"): (typeof documents)["\n  query TargetChoices {\n    deviceTypes {\n      id\n      key\n      name\n      category\n    }\n    savedGroups {\n      id\n      name\n      description\n      filter {\n        search\n        tags\n        environment\n        osType\n        deviceTypeId\n        namePattern\n        healthStatus\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateSavedGroup($input: SavedGroupInput!) {\n    createSavedGroup(input: $input) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation CreateSavedGroup($input: SavedGroupInput!) {\n    createSavedGroup(input: $input) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteSavedGroup($id: ID!) {\n    deleteSavedGroup(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteSavedGroup($id: ID!) {\n    deleteSavedGroup(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateTarget($input: CreateTargetInput!) {\n    createTarget(input: $input) {\n      ...TargetListFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateTarget($input: CreateTargetInput!) {\n    createTarget(input: $input) {\n      ...TargetListFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateTarget($id: ID!, $input: UpdateTargetInput!) {\n    updateTarget(id: $id, input: $input) {\n      ...TargetListFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateTarget($id: ID!, $input: UpdateTargetInput!) {\n    updateTarget(id: $id, input: $input) {\n      ...TargetListFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteTarget($id: ID!) {\n    deleteTarget(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteTarget($id: ID!) {\n    deleteTarget(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ConnectionCheckFields on ConnectionCheck {\n    id\n    targetId\n    methodId\n    methodType\n    ok\n    latencyMs\n    errorCategory\n    message\n    serverVersion\n    checkedAt\n  }\n"): (typeof documents)["\n  fragment ConnectionCheckFields on ConnectionCheck {\n    id\n    targetId\n    methodId\n    methodType\n    ok\n    latencyMs\n    errorCategory\n    message\n    serverVersion\n    checkedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ConnectionTestBatchFields on ConnectionTestBatch {\n    id\n    total\n    done\n    ok\n    failed\n    finishedAt\n    error\n    results {\n      ...ConnectionCheckFields\n    }\n  }\n"): (typeof documents)["\n  fragment ConnectionTestBatchFields on ConnectionTestBatch {\n    id\n    total\n    done\n    ok\n    failed\n    finishedAt\n    error\n    results {\n      ...ConnectionCheckFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TestTargetConnections($ids: [ID!]) {\n    testTargetConnections(ids: $ids) {\n      ...ConnectionTestBatchFields\n    }\n  }\n"): (typeof documents)["\n  mutation TestTargetConnections($ids: [ID!]) {\n    testTargetConnections(ids: $ids) {\n      ...ConnectionTestBatchFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConnectionTestBatch($id: ID!) {\n    connectionTestBatch(id: $id) {\n      ...ConnectionTestBatchFields\n    }\n  }\n"): (typeof documents)["\n  query ConnectionTestBatch($id: ID!) {\n    connectionTestBatch(id: $id) {\n      ...ConnectionTestBatchFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConnectionTestBatchUpdated($batchId: ID!) {\n    connectionTestBatchUpdated(batchId: $batchId) {\n      ...ConnectionTestBatchFields\n    }\n  }\n"): (typeof documents)["\n  subscription ConnectionTestBatchUpdated($batchId: ID!) {\n    connectionTestBatchUpdated(batchId: $batchId) {\n      ...ConnectionTestBatchFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TargetDetail($id: ID!, $history: Int) {\n    target(id: $id) {\n      ...TargetListFields\n      createdAt\n      createdBy {\n        id\n        username\n      }\n      connectionMethods {\n        id\n        type\n        port\n        isPrimary\n        username\n        https\n        authType\n        snmpVersion\n        basePath\n        tlsVerify\n        hostKeyFingerprint\n        pendingHostKeyFingerprint\n        credentialId\n        credential {\n          id\n          name\n          type\n          username\n          hasSecret\n          secretFields\n          keyAlgorithm\n          publicKeyFingerprint\n          lastUsedAt\n        }\n      }\n      checkHistory(limit: $history) {\n        ...ConnectionCheckFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query TargetDetail($id: ID!, $history: Int) {\n    target(id: $id) {\n      ...TargetListFields\n      createdAt\n      createdBy {\n        id\n        username\n      }\n      connectionMethods {\n        id\n        type\n        port\n        isPrimary\n        username\n        https\n        authType\n        snmpVersion\n        basePath\n        tlsVerify\n        hostKeyFingerprint\n        pendingHostKeyFingerprint\n        credentialId\n        credential {\n          id\n          name\n          type\n          username\n          hasSecret\n          secretFields\n          keyAlgorithm\n          publicKeyFingerprint\n          lastUsedAt\n        }\n      }\n      checkHistory(limit: $history) {\n        ...ConnectionCheckFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TestTargetConnection($id: ID!, $methodId: ID) {\n    testTargetConnection(id: $id, methodId: $methodId) {\n      ...ConnectionCheckFields\n    }\n  }\n"): (typeof documents)["\n  mutation TestTargetConnection($id: ID!, $methodId: ID) {\n    testTargetConnection(id: $id, methodId: $methodId) {\n      ...ConnectionCheckFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcceptTargetHostKey($methodId: ID!) {\n    acceptTargetHostKey(methodId: $methodId) {\n      id\n      hostKeyFingerprint\n      pendingHostKeyFingerprint\n    }\n  }\n"): (typeof documents)["\n  mutation AcceptTargetHostKey($methodId: ID!) {\n    acceptTargetHostKey(methodId: $methodId) {\n      id\n      hostKeyFingerprint\n      pendingHostKeyFingerprint\n    }\n  }\n"];
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

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;