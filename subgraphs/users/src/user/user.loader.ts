import DataLoader from "dataloader";
import type { PrismaClient } from "../generated/prisma/client";
import { toUser, type User } from "./user.type";
import { isUuid } from "./user.validation";

export interface UserLoaders {
  userById: DataLoader<string, User | null>;
}

/** Per request: every User reference or lookup in one operation becomes one query. */
export function createUserLoaders(prisma: PrismaClient): UserLoaders {
  return {
    userById: new DataLoader<string, User | null>(async (ids) => {
      const wanted = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
      const rows = wanted.length ? await prisma.user.findMany({ where: { id: { in: wanted } } }) : [];
      const byId = new Map(rows.map((row) => [row.id, toUser(row)]));
      return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
    }),
  };
}
