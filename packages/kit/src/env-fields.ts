import { z } from "zod";

/** An integer setting from min to max (inclusive), fallback when unset. */
export const envInt = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** A 64-hex-character AES-256 key (a service's secrets key). */
export const envHexKey = () => z.string().regex(/^[0-9a-f]{64}$/i, "must be 64 hex characters");
