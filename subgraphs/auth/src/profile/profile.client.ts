import { callInternal, InternalCallError, userProfileContract, type UserProfile } from "@opsconductor/kit/subgraph";

export type { UserProfile };

/**
 * Reads a user's roles, permissions and active state from the users service, which owns them.
 * Auth asks at every login and refresh, so a deactivation or role change shows up in the next token.
 */
export class ProfileClient {
  constructor(
    private readonly usersUrl: string,
    private readonly serviceToken: string,
  ) {}

  /** The profile, or null when the users service does not know the user. */
  async get(userId: string, requestId?: string): Promise<UserProfile | null> {
    try {
      return await callInternal(this.usersUrl, userProfileContract, { params: { id: userId }, serviceToken: this.serviceToken, requestId });
    } catch (error) {
      if (error instanceof InternalCallError && error.status === 404) return null;
      throw error;
    }
  }
}
