import { internalCall } from "@opsconductor/kit";

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
  const url = new URL("/internal/credentials", authUrl).toString();
  return {
    async create(credentials, requestId) {
      // Hashing is deliberately slow on the auth side; allow for it but not forever.
      await internalCall(url, { serviceToken, method: "POST", body: credentials, requestId, timeoutMs: 10_000 });
    },
    async remove(userId, requestId) {
      await internalCall(`${url}/${encodeURIComponent(userId)}`, { serviceToken, method: "DELETE", requestId });
    },
  };
}
