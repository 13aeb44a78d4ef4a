import { InternalCallError, internalCall, z } from "@opsconductor/kit";

const profileSchema = z.object({
  id: z.string(),
  username: z.string(),
  roles: z.array(z.string()),
  permissions: z.array(z.string()),
  isActive: z.boolean(),
});
export type UserProfile = z.infer<typeof profileSchema>;

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
      const body = await internalCall<unknown>(`${this.usersUrl}/internal/users/${encodeURIComponent(userId)}`, {
        serviceToken: this.serviceToken,
        requestId,
      });
      return profileSchema.parse(body);
    } catch (error) {
      if (error instanceof InternalCallError && error.status === 404) return null;
      throw error;
    }
  }
}
