import { Page, UserReference } from "@opsconductor/kit/subgraph";
import { Field, Float, GraphQLISODateTime, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { DiscoveredHostStatus, HostDiscovery, ScanStatus } from "../generated/prisma/enums";

registerEnumType(ScanStatus, { name: "ScanStatus" });
registerEnumType(HostDiscovery, { name: "HostDiscovery", description: "TCP_PING: knock on 80 and 443 first, scan only hosts that answer; NONE: scan every address (nmap -Pn)." });
registerEnumType(DiscoveredHostStatus, { name: "DiscoveredHostStatus" });

@InputType({ description: "What to scan and how." })
export class StartScanInput {
  @Field()
  name!: string;

  @Field(() => [String], { description: "CIDR (10.0.0.0/24), first-last (10.0.0.5-10.0.0.20 or 10.0.0.5-20) or single addresses; IPv4 and IPv6." })
  ranges!: string[];

  @Field({ description: "A profile (top-20, top-100, top-1000: nmap's most frequent TCP ports) or a list of ports and ranges (22,80,8000-8100)." })
  ports!: string;

  @Field(() => HostDiscovery, { nullable: true, description: "Default TCP_PING." })
  hostDiscovery?: HostDiscovery | null;

  @Field(() => Int, { nullable: true, description: "Upper limit of one connect's wait in ms (default 1250; the adaptive timeout is usually far lower)." })
  timeoutMs?: number | null;

  @Field(() => Int, { nullable: true, description: "Connects in flight at once." })
  concurrency?: number | null;

  @Field(() => Int, { nullable: true, description: "At most this many connects started per second (unlimited when unset)." })
  rateLimit?: number | null;

  @Field(() => [String], { nullable: true, description: "Addresses or ranges never touched." })
  exclude?: string[] | null;

  @Field(() => Int, { nullable: true, description: "Raises this scan's size limit above SCAN_MAX_HOSTS (65,536: a /16) up to 16,777,216 addresses. Needs system:write (administrators) when above the setting." })
  maxAddresses?: number | null;

  @Field(() => ID, {
    nullable: true,
    description: "A targets credential of type SNMP_COMMUNITY: every host that answered is asked for sysDescr.0 and sysName.0 (SNMP v2c, UDP) with its community. The worker fetches the community from targets when the scan runs; it is never stored with the scan.",
  })
  snmpCredentialId?: string | null;

  @Field(() => Int, { nullable: true, description: "UDP port of the SNMP probe (default 161)." })
  snmpPort?: number | null;
}

@InputType({ description: "A saved scan definition (checked as startScan's input) and its optional cron schedule." })
export class ScanTemplateInput extends StartScanInput {
  @Field(() => String, { nullable: true, description: "5 fields (minute hour day month weekday) or 6 (seconds first); none: the template is started by hand only." })
  cron?: string | null;

  @Field(() => String, { nullable: true, description: "IANA time zone of the cron expression (default UTC)." })
  timezone?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Whether the schedule fires (default true)." })
  enabled?: boolean | null;
}

@ObjectType()
export class ScanProgress {
  @Field(() => Int)
  hostsTotal!: number;

  @Field(() => Int)
  hostsDone!: number;

  @Field(() => Int, { description: "Hosts that answered (a closed port counts: the host sent a reset)." })
  hostsUp!: number;

  @Field(() => Float, { description: "Connects made so far." })
  portsProbed!: number;

  @Field(() => Int)
  openPorts!: number;
}

@ObjectType({ description: "A network scan: TCP connects to ranges × ports, run by the discovery workers." })
export class Scan {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => ScanStatus)
  status!: ScanStatus;

  @Field(() => [String])
  ranges!: string[];

  @Field(() => [String])
  exclude!: string[];

  @Field({ description: "The port specification as given." })
  portSpec!: string;

  @Field(() => Int)
  portCount!: number;

  @Field(() => HostDiscovery)
  hostDiscovery!: HostDiscovery;

  @Field(() => Int)
  timeoutMs!: number;

  @Field(() => Int)
  concurrency!: number;

  @Field(() => Int, { nullable: true })
  rateLimit!: number | null;

  @Field(() => ScanProgress)
  progress!: ScanProgress;

  @Field(() => Int, { nullable: true, description: "An administrator's raised size limit for this scan." })
  maxAddresses!: number | null;

  @Field(() => ID, { nullable: true })
  snmpCredentialId!: string | null;

  @Field(() => Int)
  snmpPort!: number;

  @Field(() => Int, { description: "Times a worker took the scan up: above 1 it was re-run from the start after its worker died." })
  runAttempts!: number;

  @Field(() => ID, { nullable: true, description: "The template whose schedule fired this scan." })
  templateId!: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: "The schedule tick that fired this scan." })
  scheduledFor!: Date | null;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => UserReference, { nullable: true })
  createdBy!: UserReference | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  startedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  cancelRequestedAt!: Date | null;
}

@ObjectType()
export class ScanPage extends Page(Scan) {}

@ObjectType({ description: "A saved scan definition with an optional cron schedule (fired by BullMQ job schedulers: one scan per tick)." })
export class ScanTemplate {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => [String])
  ranges!: string[];

  @Field(() => [String])
  exclude!: string[];

  @Field()
  portSpec!: string;

  @Field(() => HostDiscovery)
  hostDiscovery!: HostDiscovery;

  @Field(() => Int, { nullable: true })
  timeoutMs!: number | null;

  @Field(() => Int, { nullable: true })
  concurrency!: number | null;

  @Field(() => Int, { nullable: true })
  rateLimit!: number | null;

  @Field(() => Int, { nullable: true })
  maxAddresses!: number | null;

  @Field(() => ID, { nullable: true })
  snmpCredentialId!: string | null;

  @Field(() => Int, { nullable: true })
  snmpPort!: number | null;

  @Field(() => String, { nullable: true })
  cron!: string | null;

  @Field()
  timezone!: string;

  @Field()
  enabled!: boolean;

  @Field(() => UserReference, { nullable: true })
  createdBy!: UserReference | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime)
  updatedAt!: Date;
}

@ObjectType()
export class ScanTemplatePage extends Page(ScanTemplate) {}

@ObjectType({ description: "An open TCP port and what its service said." })
export class DiscoveredPort {
  @Field(() => Int)
  port!: number;

  @Field(() => String, { nullable: true })
  service!: string | null;

  @Field(() => String, { nullable: true, description: "The greeting of a speak-first service (SSH, SMTP, FTP, telnet)." })
  banner!: string | null;

  @Field(() => String, { nullable: true })
  httpServer!: string | null;

  @Field(() => String, { nullable: true })
  httpTitle!: string | null;

  @Field(() => String, { nullable: true })
  tlsSubject!: string | null;

  @Field(() => String, { nullable: true })
  tlsIssuer!: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  tlsExpiresAt!: Date | null;

  @Field(() => Float, { nullable: true })
  rttMs!: number | null;
}

@ObjectType()
export class SuggestedMethod {
  @Field({ description: "SSH, WINRM, SNMP, HTTP or TELNET (targets' connection method types)." })
  type!: string;

  @Field(() => Int)
  port!: number;

  @Field(() => String, { nullable: true })
  detail!: string | null;
}

@ObjectType()
export class HostClassification {
  @Field({ description: "LINUX, WINDOWS, BSD, MACOS, NETWORK or UNKNOWN." })
  osFamily!: string;

  @Field(() => Float, { description: "0 to 1." })
  osConfidence!: number;

  @Field(() => String, { nullable: true, description: "A key of the targets device-type registry." })
  deviceTypeKey!: string | null;

  @Field(() => [SuggestedMethod])
  suggestedMethods!: SuggestedMethod[];
}

@ObjectType({ description: "A host a scan found with at least one open port." })
export class DiscoveredHost {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  scanId!: string;

  @Field()
  address!: string;

  @Field(() => String, { nullable: true })
  hostname!: string | null;

  @Field(() => String, { nullable: true, description: "SNMP sysDescr.0, when the scan probed SNMP and the host answered." })
  snmpSysDescr!: string | null;

  @Field(() => String, { nullable: true, description: "SNMP sysName.0." })
  snmpSysName!: string | null;

  @Field(() => DiscoveredHostStatus)
  status!: DiscoveredHostStatus;

  @Field(() => [DiscoveredPort])
  ports!: DiscoveredPort[];

  @Field(() => HostClassification)
  classification!: HostClassification;

  @Field(() => GraphQLISODateTime, { description: "When any scan first found this address." })
  firstSeenAt!: Date;

  @Field(() => GraphQLISODateTime)
  lastSeenAt!: Date;

  @Field({ description: "Whether a live target with this address exists." })
  existingTarget!: boolean;

  @Field(() => ID, { nullable: true })
  importedTargetId!: string | null;
}

@ObjectType()
export class DiscoveredHostPage extends Page(DiscoveredHost) {}

@InputType()
export class DiscoveredHostFilter {
  @Field(() => DiscoveredHostStatus, { nullable: true })
  status?: DiscoveredHostStatus | null;

  @Field(() => Int, { nullable: true, description: "Hosts with this port open." })
  hasPort?: number | null;

  @Field(() => String, { nullable: true })
  osFamily?: string | null;

  @Field(() => String, { nullable: true, description: "In address, hostname, banners, HTTP title and TLS subject." })
  search?: string | null;
}

@InputType({ description: "What imported targets get." })
export class ImportDefaultsInput {
  @Field(() => String, { nullable: true })
  environment?: string | null;

  @Field(() => [String], { nullable: true })
  tags?: string[] | null;

  @Field(() => ID, { nullable: true, description: "Given to the methods whose type it fits (SSH: password or key; …)." })
  credentialId?: string | null;
}

@ObjectType()
export class HostImportResult {
  @Field(() => ID)
  hostId!: string;

  @Field()
  address!: string;

  @Field({ description: "CREATED, EXISTS (a target with this address and port exists; nothing changed) or FAILED." })
  status!: string;

  @Field(() => ID, { nullable: true })
  targetId!: string | null;

  @Field(() => String, { nullable: true })
  field!: string | null;

  @Field(() => String, { nullable: true })
  message!: string | null;
}

@ObjectType()
export class DiscoveryImportReport {
  @Field(() => Int)
  created!: number;

  @Field(() => Int)
  existing!: number;

  @Field(() => Int)
  failed!: number;

  @Field(() => [HostImportResult])
  results!: HostImportResult[];
}

@ObjectType()
export class PortChange {
  @Field()
  address!: string;

  @Field(() => Int)
  port!: number;
}

@ObjectType({ description: "A scan against the previous finished scan of the same ranges." })
export class ScanDiff {
  @Field(() => ID)
  scanId!: string;

  @Field(() => ID, { nullable: true, description: "Null when no earlier finished scan covered the same ranges." })
  previousScanId!: string | null;

  @Field(() => [String])
  newHosts!: string[];

  @Field(() => [String])
  vanishedHosts!: string[];

  @Field(() => [PortChange])
  openedPorts!: PortChange[];

  @Field(() => [PortChange])
  closedPorts!: PortChange[];
}
