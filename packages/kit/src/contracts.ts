import { z } from "zod";
import { isUuid } from "./ids";
import { textProblem } from "./text";

/**
 * The `/internal` HTTP contracts between services, as zod schemas that both sides use: the callee
 * mounts them with `internalRoutes` (request validated, reply validated), the caller calls them with
 * `callInternal` (reply validated, failures parsed), and a test's stand-in for a sibling is built
 * with `fakeInternalService` from the same contract, so a fake cannot drift from the real service.
 */
export interface InternalContract<
  P extends z.ZodType = z.ZodType,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  R extends z.ZodType | undefined = z.ZodType | undefined,
> {
  /** The service that serves it (its registry name). */
  service: string;
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Express path pattern; `:name` segments come from `params`. */
  path: string;
  params: P;
  body: B;
  /** The success body; undefined means 204 No Content. */
  response: R;
}

export type ContractParams<C extends InternalContract> = z.infer<C["params"]>;
export type ContractBody<C extends InternalContract> = C["body"] extends z.ZodType ? z.infer<C["body"]> : undefined;
export type ContractResponse<C extends InternalContract> = C["response"] extends z.ZodType ? z.infer<C["response"]> : undefined;

/** Every failure of an internal call has this body: a message and, for bad input, the field. */
export const internalFailureBody = z.object({
  error: z.object({ field: z.string().optional(), message: z.string() }),
});
export type InternalFailureBody = z.infer<typeof internalFailureBody>["error"];

const noParams = z.object({});
export function defineContract<P extends z.ZodType = typeof noParams, B extends z.ZodType | undefined = undefined, R extends z.ZodType | undefined = undefined>(
  contract: Pick<InternalContract, "service" | "method" | "path"> & { params?: P; body?: B; response?: R },
): InternalContract<P, B, R> {
  return { ...contract, params: (contract.params ?? noParams) as P, body: contract.body as B, response: contract.response as R };
}

const text = () => z.string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") });
const uuid = () => text().refine(isUuid, "must be a UUID");

/** users → auth: store the initial password of a user being created (the only way a password travels). */
export const createCredentialContract = defineContract({
  service: "auth",
  method: "POST",
  path: "/internal/credentials",
  body: z.object(
    {
      userId: uuid(),
      username: text()
        .trim()
        .min(1, "must not be empty")
        .max(256, "must be at most 256 characters")
        // NUL bytes and lone surrogates pass JSON and GraphQL but PostgreSQL refuses them.
        .refine((value) => textProblem(value, 256) === null, "must be valid text without NUL characters"),
      password: text(),
    },
    "must be a JSON object",
  ),
  response: z.object({ ok: z.literal(true) }),
});

/** users → auth: take back a credential whose user did not commit. Idempotent. */
export const removeCredentialContract = defineContract({
  service: "auth",
  method: "DELETE",
  path: "/internal/credentials/:userId",
  params: z.object({ userId: uuid() }),
});

/** auth → users: roles, permissions and state of a user, at every login and refresh. */
export const userProfileContract = defineContract({
  service: "users",
  method: "GET",
  path: "/internal/users/:id",
  params: z.object({ id: text() }),
  response: z.object({
    id: z.string(),
    username: z.string(),
    roles: z.array(z.string()),
    permissions: z.array(z.string()),
    isActive: z.boolean(),
  }),
});
export type UserProfile = ContractResponse<typeof userProfileContract>;

/** `/internal/users/:id` with the params filled in (each value URI-encoded). */
export function contractPath(contract: InternalContract, params: Record<string, string>): string {
  return contract.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${contract.path}`);
    return encodeURIComponent(value);
  });
}

const connectionBundle = z.object({
  target: z.object({ id: z.string(), name: z.string(), address: z.string(), serialNumber: z.string() }),
  method: z
    .object({
      id: z.string(),
      type: z.enum(["SSH", "WINRM", "SNMP", "HTTP", "TELNET"]),
      port: z.number().int(),
      username: z.string().nullable(),
      settings: z.record(z.string(), z.unknown()),
      hostKeyFingerprint: z.string().nullable(),
    })
    .nullable(),
  credential: z
    .object({
      id: z.string(),
      type: z.enum(["PASSWORD", "SSH_KEY", "SNMP_COMMUNITY", "SNMP_V3", "API_TOKEN"]),
      username: z.string().nullable(),
      secret: z.object({
        password: z.string().optional(),
        privateKey: z.string().optional(),
        passphrase: z.string().optional(),
        community: z.string().optional(),
        token: z.string().optional(),
        authPassword: z.string().optional(),
        privPassword: z.string().optional(),
      }),
      settings: z.record(z.string(), z.unknown()),
    })
    .nullable(),
});

/**
 * executions → targets: how to reach a target now, with the decrypted secret of its method's
 * credential. Service token only; every call is recorded as a `targets.credential.used` event
 * (without the secret). The method is the primary one (else the oldest).
 */
export const targetConnectionBundleContract = defineContract({
  service: "targets",
  method: "GET",
  path: "/internal/targets/:id/connection",
  params: z.object({ id: uuid() }),
  response: connectionBundle,
});
export type TargetConnectionBundle = ContractResponse<typeof targetConnectionBundleContract>;

/**
 * executions → targets: the connection bundles of many targets in one call (a run's targets start
 * together), each use recorded exactly as a single fetch is (one `targets.credential.used` per id
 * asked for). A target that is gone, or whose credential fails to open, is a failure with the status
 * the single route would answer; the others are still served.
 */
export const targetConnectionBundlesContract = defineContract({
  service: "targets",
  method: "POST",
  path: "/internal/targets/connections",
  body: z.object({ ids: z.array(uuid()).min(1, "must not be empty").max(500, "must be at most 500") }, "must be a JSON object"),
  response: z.object({
    bundles: z.array(connectionBundle),
    failures: z.array(z.object({ id: z.string(), status: z.number().int(), message: z.string() })),
  }),
});

// ── jobs / executions / targets contracts for the execution engine ──────────────────────────────

const stepSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(["COMMAND", "SCRIPT"]),
  /** COMMAND: the command line; SCRIPT: the script body. `{{name}}` placeholders are substituted at run time. */
  content: z.string(),
  interpreter: z.enum(["bash", "sh", "python3", "pwsh"]).nullable(),
  timeoutSeconds: z.number().int().positive(),
  continueOnError: z.boolean(),
});
const parameterSchema = z.object({
  name: z.string(),
  type: z.enum(["STRING", "INT", "BOOL", "CHOICE", "SECRET"]),
  required: z.boolean(),
  /** Never set for SECRET parameters. */
  defaultValue: z.string().nullable(),
  choices: z.array(z.string()),
  /** STRING: a regular expression the value must match in full. */
  pattern: z.string().nullable(),
  min: z.number().int().nullable(),
  max: z.number().int().nullable(),
});
export const targetSelectionSchema = z.object({
  targetIds: z.array(uuid()).max(10_000),
  tags: z.array(z.string()).max(100),
  groupId: uuid().nullable(),
});
export type TargetSelection = z.infer<typeof targetSelectionSchema>;

/** executions → jobs: a job as it was at one version ("latest" for the current one). */
export const jobSnapshotContract = defineContract({
  service: "jobs",
  method: "GET",
  path: "/internal/jobs/:id/versions/:version",
  params: z.object({ id: uuid(), version: z.union([z.literal("latest"), z.string().regex(/^[1-9][0-9]{0,8}$/, "must be a version number or 'latest'")]) }),
  response: z.object({
    jobId: z.string(),
    name: z.string(),
    version: z.number().int().positive(),
    steps: z.array(stepSchema).min(1),
    parameters: z.array(parameterSchema),
    targets: targetSelectionSchema,
    options: z.object({
      maxParallel: z.number().int().positive(),
      targetTimeoutSeconds: z.number().int().positive(),
      retries: z.number().int().min(0),
      retryBackoffSeconds: z.number().int().min(0),
      stopOnFirstFailure: z.boolean(),
    }),
  }),
});
export type JobSnapshot = ContractResponse<typeof jobSnapshotContract>;
export type JobStep = z.infer<typeof stepSchema>;
export type JobParameter = z.infer<typeof parameterSchema>;

/** executions → targets: the live targets a selection names now (ids, tags and/or a saved group), by name. */
export const resolveTargetSelectionContract = defineContract({
  service: "targets",
  method: "POST",
  path: "/internal/targets/resolve",
  body: targetSelectionSchema,
  response: z.object({
    targets: z.array(z.object({ id: z.string(), name: z.string(), address: z.string() })),
    /** Ids asked for by id that are not live targets. */
    missingIds: z.array(z.string()),
  }),
});

/** jobs (scheduler) → executions: start a run on behalf of a schedule or an API trigger. */
export const startRunContract = defineContract({
  service: "executions",
  method: "POST",
  path: "/internal/runs",
  body: z.object({
    jobId: uuid(),
    parameters: z.record(z.string(), z.string()),
    trigger: z.enum(["SCHEDULE", "API"]),
    scheduleId: uuid().nullable(),
    triggeredById: uuid().nullable(),
    /** Makes the call idempotent: a second call with the same key returns the first run. */
    idempotencyKey: z.string().min(1).max(200),
  }),
  response: z.object({ runId: z.string(), number: z.number().int() }),
});

// ── discovery ↔ targets ─────────────────────────────────────────────────────────────────────────

/** discovery → targets: the device-type registry (built-in and operators' own), for classification. */
export const deviceTypesContract = defineContract({
  service: "targets",
  method: "GET",
  path: "/internal/device-types",
  response: z.object({ deviceTypes: z.array(z.object({ id: z.string(), key: z.string(), name: z.string(), category: z.string() })) }),
});

/** discovery → targets: the live targets at any of these addresses (to flag discovered hosts that exist already). */
export const targetsByAddressContract = defineContract({
  service: "targets",
  method: "POST",
  path: "/internal/targets/by-address",
  body: z.object({ addresses: z.array(text().max(256)).max(1_000) }),
  response: z.object({ targets: z.array(z.object({ id: z.string(), name: z.string(), address: z.string(), port: z.number().int() })) }),
});

/** discovery → targets: a credential's type, no secret (startScan checks an SNMP credential with it). */
export const credentialTypeContract = defineContract({
  service: "targets",
  method: "GET",
  path: "/internal/credentials/:id/type",
  params: z.object({ id: uuid() }),
  response: z.object({ id: z.string(), type: z.enum(["PASSWORD", "SSH_KEY", "SNMP_COMMUNITY", "SNMP_V3", "API_TOKEN"]) }),
});

/**
 * discovery → targets: the community of an SNMP_COMMUNITY credential, for one scan's SNMP probes (the
 * worker asks when the scan starts and keeps it in memory only). Recorded as `targets.credential.used`
 * (purpose discovery-scan, with the scan id). 404: no such credential; 409: not an SNMP_COMMUNITY one.
 */
export const snmpCommunityContract = defineContract({
  service: "targets",
  method: "POST",
  path: "/internal/credentials/:id/snmp-community",
  params: z.object({ id: uuid() }),
  body: z.object({ scanId: uuid() }),
  response: z.object({ community: z.string() }),
});

const actorSchema = z.object({ userId: z.string().nullable(), username: z.string().nullable(), ip: z.string().nullable(), userAgent: z.string().nullable() });
const discoveredTargetSchema = z.object({
  /** The caller's key for this entry (a discovered host id); results carry it back. */
  key: text().max(100),
  name: text(),
  address: text(),
  port: z.number().int(),
  osType: z.enum(["LINUX", "WINDOWS", "NETWORK", "OTHER"]),
  environment: text().nullable(),
  tags: z.array(text()).max(100),
  description: text().nullable(),
  deviceTypeKey: text().nullable(),
  /** The first is primary; the credential (if any) goes to methods whose type it fits. */
  methods: z.array(z.object({ type: z.enum(["SSH", "WINRM", "SNMP", "HTTP", "TELNET"]), port: z.number().int(), https: z.boolean().nullable() })).max(20),
  credentialId: uuid().nullable(),
});
export type DiscoveredTargetInput = z.infer<typeof discoveredTargetSchema>;

/**
 * discovery → targets: create targets (with their connection methods) for discovered hosts, each
 * all-or-nothing in its own transaction; an address+port already used by a live target is reported
 * as EXISTS, not changed. The acting user is recorded as creator and in the events.
 */
export const importDiscoveredTargetsContract = defineContract({
  service: "targets",
  method: "POST",
  path: "/internal/targets/import-discovered",
  body: z.object({ actor: actorSchema, targets: z.array(discoveredTargetSchema).min(1).max(500) }),
  response: z.object({
    results: z.array(
      z.object({
        key: z.string(),
        status: z.enum(["CREATED", "EXISTS", "FAILED"]),
        targetId: z.string().nullable(),
        field: z.string().nullable(),
        message: z.string().nullable(),
      }),
    ),
  }),
});
export type ImportDiscoveredResult = ContractResponse<typeof importDiscoveredTargetsContract>["results"][number];
