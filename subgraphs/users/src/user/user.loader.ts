import { byIdLoader, isUuid } from "@opsconductor/kit/subgraph";
import type DataLoader from "dataloader";
import type { PrismaClient } from "../generated/prisma/client";
import { toUser, type User } from "./user.type";

export interface UserLoaders {
  userById: DataLoader<string, User | null>;
}

/** Per request: every User reference or lookup in one operation becomes one query. */
export function createUserLoaders(prisma: PrismaClient): UserLoaders {
  return {
    userById: byIdLoader(async (ids) => {
      const wanted = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
      const rows = wanted.length ? await prisma.user.findMany({ where: { id: { in: wanted } } }) : [];
      return rows.map(toUser);
    }),
  };
}
