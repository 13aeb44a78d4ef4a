// The targets screens' GraphQL operations (list, detail, forms, saved groups, bulk actions, connection
// tests). Typed by the client preset (`npm run codegen` → src/gql); nothing here is typed by hand.
import { graphql } from "./gql";

export const TargetListFields = graphql(`
  fragment TargetListFields on Target {
    id
    serialNumber
    name
    address
    port
    osType
    environment
    tags
    description
    healthStatus
    lastCheckedAt
    updatedAt
    deviceType {
      id
      name
    }
  }
`);

export const TargetListQuery = graphql(`
  query TargetList($filter: TargetFilter, $sort: TargetSort, $pagination: PaginationInput) {
    targets(filter: $filter, sort: $sort, pagination: $pagination) {
      total
      items {
        ...TargetListFields
      }
    }
  }
`);

/** What the filters offer: device types and saved groups. */
export const TargetChoicesQuery = graphql(`
  query TargetChoices {
    deviceTypes {
      id
      key
      name
      category
    }
    savedGroups {
      id
      name
      description
      filter {
        search
        tags
        environment
        osType
        deviceTypeId
        namePattern
        healthStatus
      }
    }
  }
`);

export const CreateSavedGroupMutation = graphql(`
  mutation CreateSavedGroup($input: SavedGroupInput!) {
    createSavedGroup(input: $input) {
      id
      name
    }
  }
`);

export const DeleteSavedGroupMutation = graphql(`
  mutation DeleteSavedGroup($id: ID!) {
    deleteSavedGroup(id: $id)
  }
`);

export const CreateTargetMutation = graphql(`
  mutation CreateTarget($input: CreateTargetInput!) {
    createTarget(input: $input) {
      ...TargetListFields
    }
  }
`);

export const UpdateTargetMutation = graphql(`
  mutation UpdateTarget($id: ID!, $input: UpdateTargetInput!) {
    updateTarget(id: $id, input: $input) {
      ...TargetListFields
    }
  }
`);

export const DeleteTargetMutation = graphql(`
  mutation DeleteTarget($id: ID!) {
    deleteTarget(id: $id)
  }
`);

export const ConnectionCheckFields = graphql(`
  fragment ConnectionCheckFields on ConnectionCheck {
    id
    targetId
    methodId
    methodType
    ok
    latencyMs
    errorCategory
    message
    serverVersion
    checkedAt
  }
`);

export const ConnectionTestBatchFields = graphql(`
  fragment ConnectionTestBatchFields on ConnectionTestBatch {
    id
    total
    done
    ok
    failed
    finishedAt
    error
    results {
      ...ConnectionCheckFields
    }
  }
`);

export const TestTargetConnectionsMutation = graphql(`
  mutation TestTargetConnections($ids: [ID!]) {
    testTargetConnections(ids: $ids) {
      ...ConnectionTestBatchFields
    }
  }
`);

export const ConnectionTestBatchQuery = graphql(`
  query ConnectionTestBatch($id: ID!) {
    connectionTestBatch(id: $id) {
      ...ConnectionTestBatchFields
    }
  }
`);

export const ConnectionTestBatchUpdatedSubscription = graphql(`
  subscription ConnectionTestBatchUpdated($batchId: ID!) {
    connectionTestBatchUpdated(batchId: $batchId) {
      ...ConnectionTestBatchFields
    }
  }
`);

export const TargetDetailQuery = graphql(`
  query TargetDetail($id: ID!, $history: Int) {
    target(id: $id) {
      ...TargetListFields
      createdAt
      createdBy {
        id
        username
      }
      connectionMethods {
        id
        type
        port
        isPrimary
        username
        https
        authType
        snmpVersion
        basePath
        tlsVerify
        hostKeyFingerprint
        pendingHostKeyFingerprint
        credentialId
        credential {
          id
          name
          type
          username
          hasSecret
          secretFields
          keyAlgorithm
          publicKeyFingerprint
          lastUsedAt
        }
      }
      checkHistory(limit: $history) {
        ...ConnectionCheckFields
      }
    }
  }
`);

export const TestTargetConnectionMutation = graphql(`
  mutation TestTargetConnection($id: ID!, $methodId: ID) {
    testTargetConnection(id: $id, methodId: $methodId) {
      ...ConnectionCheckFields
    }
  }
`);

export const AcceptTargetHostKeyMutation = graphql(`
  mutation AcceptTargetHostKey($methodId: ID!) {
    acceptTargetHostKey(methodId: $methodId) {
      id
      hostKeyFingerprint
      pendingHostKeyFingerprint
    }
  }
`);
