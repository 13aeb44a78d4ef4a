import { ADMIN_USER_ID, emitEvent, SYSTEM_ACTOR, type RequestContext } from "@opsconductor/kit/subgraph";
import type { CredentialService } from "./credential/credential.service";
import { inspectPrivateKey } from "./credential/credential.validation";
import { PrismaClient } from "./generated/prisma/client";
import type { MethodService } from "./method/method.service";
import type { TargetService } from "./target/target.service";
import { OsType } from "./generated/prisma/enums";
import { targetSnapshot, targetSubject } from "./target/target.service";
import { validateCreate, type TargetInputShape } from "./target/target.validation";

export const DEMO_TARGETS: TargetInputShape[] = [
  { name: "web-01", address: "127.0.0.11", port: 22, osType: OsType.LINUX, environment: "production", tags: ["web", "nginx"], description: "Demo web server" },
  { name: "db-01", address: "127.0.0.21", port: 22, osType: OsType.LINUX, environment: "production", tags: ["db", "postgres"], description: "Demo database server" },
  { name: "win-app-01", address: "127.0.1.5", port: 5985, osType: OsType.WINDOWS, environment: "staging", tags: [], description: "Demo Windows application server (WinRM)" },
  { name: "core-sw-01", address: "127.0.255.1", port: 22, osType: OsType.NETWORK, environment: "production", tags: ["network"], description: "Demo core switch" },
];

/**
 * Inserts the demo targets, each with its created event, when the inventory has never held a target;
 * otherwise changes nothing. Returns how many were inserted.
 */
export async function seedDemoTargets(prisma: PrismaClient): Promise<number> {
  return prisma.$transaction(async (tx) => {
    // Two set-ups running at once must not both see an empty table.
    await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtext('targets.seed'))");
    if ((await tx.target.count()) > 0) return 0;
    for (const input of DEMO_TARGETS) {
      const values = validateCreate(input);
      const row = await tx.target.create({ data: { ...values, nameKey: values.name.toLowerCase(), createdById: ADMIN_USER_ID } });
      await emitEvent(tx, "targets.target.created", { actor: SYSTEM_ACTOR, subject: targetSubject(row), data: targetSnapshot(row) });
    }
    return DEMO_TARGETS.length;
  });
}

/** The built-in target of executions' LOCAL executor: address `localhost` and no connection method. */
export const LOCALHOST_TARGET: TargetInputShape = {
  name: "localhost",
  address: "localhost",
  port: 22,
  osType: OsType.LINUX,
  environment: "platform",
  tags: ["built-in"],
  description: "Built-in: steps run on the platform's own host as the worker's user (executions' LOCAL_TARGET_EXECUTION must be enabled)",
};

/** Adds the built-in `localhost` target unless an active target has that address; true when it did. */
export async function seedLocalhostTarget(prisma: PrismaClient): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtext('targets.seed.localhost'))");
    if ((await tx.target.count({ where: { address: "localhost", deletedAt: null } })) > 0) return false;
    const values = validateCreate(LOCALHOST_TARGET);
    const row = await tx.target.create({ data: { ...values, nameKey: values.name.toLowerCase(), createdById: ADMIN_USER_ID } });
    await emitEvent(tx, "targets.target.created", { actor: SYSTEM_ACTOR, subject: targetSubject(row), data: targetSnapshot(row) });
    return true;
  });
}

export const DEMO_SSH = { credential: "demo-ssh-key", target: "demo-ssh-01" } as const;

export interface DemoSshHost {
  port: number;
  user: string;
  privateKey: string;
}

export interface DemoSshServices {
  credentials: CredentialService;
  targets: TargetService;
  methods: MethodService;
  prisma: PrismaClient;
}

/**
 * The demo SSH host that `npm start -- --demo-ssh` runs (scripts/lib/demo-ssh.cjs): an SSH_KEY
 * credential with its key and a target on 127.0.0.1:<port> with an SSH method using it, through the
 * services (so the key is sealed like any secret and every change has its event). Idempotent: a later
 * start with a new key or port updates them. Returns what it did.
 */
export async function seedDemoSsh(services: DemoSshServices, host: DemoSshHost): Promise<string> {
  const ctx: RequestContext = {
    requestId: "seed-demo-ssh",
    actor: SYSTEM_ACTOR,
    user: { id: ADMIN_USER_ID, username: "system", roles: [], permissions: ["targets:read", "targets:write"] },
  };
  const input = { name: DEMO_SSH.credential, type: "SSH_KEY" as const, username: host.user, privateKey: host.privateKey, description: "Key of the demo SSH host (npm start -- --demo-ssh)" };
  const existingCredential = await services.prisma.credential.findFirst({ where: { nameKey: DEMO_SSH.credential, deletedAt: null } });
  const fingerprint = inspectPrivateKey(host.privateKey).fingerprint;
  const current = existingCredential && existingCredential.username === host.user && existingCredential.publicKeyFingerprint === fingerprint;
  const credential = !existingCredential
    ? await services.credentials.create(ctx, input)
    : current
      ? existingCredential
      : await services.credentials.update(ctx, existingCredential.id, { username: host.user, privateKey: host.privateKey });
  const existingTarget = await services.prisma.target.findFirst({ where: { nameKey: DEMO_SSH.target, deletedAt: null }, include: { methods: true } });
  if (!existingTarget) {
    const target = await services.targets.create(ctx, {
      name: DEMO_SSH.target,
      address: "127.0.0.1",
      port: host.port,
      osType: OsType.LINUX,
      environment: "development",
      tags: ["demo", "ssh"],
      description: "Demo SSH host: an sshd on 127.0.0.1 run by npm start -- --demo-ssh",
    });
    await services.methods.add(ctx, target.id, { type: "SSH", port: host.port, credentialId: credential.id, isPrimary: true });
    return `targets seed: demo SSH host ${DEMO_SSH.target} on 127.0.0.1:${host.port} (user ${host.user}, credential ${DEMO_SSH.credential})`;
  }
  let changed = !current;
  if (existingTarget.port !== host.port) {
    await services.targets.update(ctx, existingTarget.id, { port: host.port });
    changed = true;
  }
  const ssh = existingTarget.methods.find((method) => method.type === "SSH");
  if (!ssh || ssh.port !== host.port || ssh.credentialId !== credential.id) {
    if (!ssh) await services.methods.add(ctx, existingTarget.id, { type: "SSH", port: host.port, credentialId: credential.id, isPrimary: true });
    else await services.methods.update(ctx, ssh.id, { port: host.port, credentialId: credential.id });
    changed = true;
  }
  return `targets seed: demo SSH host ${DEMO_SSH.target} on 127.0.0.1:${host.port} ${changed ? "updated" : "is current"}`;
}
