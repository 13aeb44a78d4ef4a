import { baseEnv, z } from "@opsconductor/kit/subgraph";

export const envSchema = z.object({ ...baseEnv });
export type Env = z.infer<typeof envSchema>;
