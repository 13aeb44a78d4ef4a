// The Credentials screen's operations (typed by `npm run codegen`). No selection here asks for a secret:
// the schema has none to ask for — only hasSecret, the names of the secret fields set, and key metadata.
import { graphql } from "./gql";

export const CredentialRowFields = graphql(`
  fragment CredentialRowFields on Credential {
    id
    name
    type
    username
    description
    hasSecret
    secretFields
    keyAlgorithm
    publicKeyFingerprint
    securityLevel
    lastUsedAt
    updatedAt
  }
`);

export const CredentialsQuery = graphql(`
  query Credentials($pagination: PaginationInput) {
    credentials(pagination: $pagination) {
      total
      items {
        ...CredentialRowFields
      }
    }
  }
`);

export const CreateCredentialMutation = graphql(`
  mutation CreateCredential($input: CreateCredentialInput!) {
    createCredential(input: $input) {
      ...CredentialRowFields
    }
  }
`);

/** Rotation: a new secret replaces the stored one (the old one is never shown). */
export const UpdateCredentialMutation = graphql(`
  mutation UpdateCredential($id: ID!, $input: UpdateCredentialInput!) {
    updateCredential(id: $id, input: $input) {
      ...CredentialRowFields
    }
  }
`);

export const DeleteCredentialMutation = graphql(`
  mutation DeleteCredential($id: ID!) {
    deleteCredential(id: $id)
  }
`);
