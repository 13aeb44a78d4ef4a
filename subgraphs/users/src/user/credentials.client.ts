import { callInternal, createCredentialContract, removeCredentialContract } from "@opsconductor/kit/subgraph";

export interface NewCredentials {
  userId: string;
  username: string;
  password: string;
}

/** The auth service's credential store. The initial password travels only on this direct call. */
export interface CredentialsClient {
  create(credentials: NewCredentials, requestId?: string): Promise<void>;
  /** Takes back a credential whose user did not commit (idempotent on the auth side). */
  remove(userId: string, requestId?: string): Promise<void>;
}

export function authCredentialsClient(authUrl: string, serviceToken: string): CredentialsClient {
  return {
    async create(credentials, requestId) {
      // Hashing is deliberately slow on the auth side; allow for it but not forever.
      await callInternal(authUrl, createCredentialContract, { body: credentials, serviceToken, requestId, timeoutMs: 10_000 });
    },
    async remove(userId, requestId) {
      await callInternal(authUrl, removeCredentialContract, { params: { userId }, serviceToken, requestId });
    },
  };
}
