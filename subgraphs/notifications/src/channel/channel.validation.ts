import { isUuid, textProblem } from "@opsconductor/kit";
import { badInput } from "@opsconductor/kit/subgraph";
import type { EmailChannelInput, InAppChannelInput, SlackChannelInput, WebhookChannelInput } from "./channel.input";
import { ChannelType, SmtpSecurity } from "./channel.type";

/** Non-secret settings as stored in `channels.config`, by type. */
export interface EmailConfig {
  host: string;
  port: number;
  security: SmtpSecurity;
  username: string | null;
  from: string;
  to: string[];
  caCertificate?: string | null;
}
export interface WebhookConfig {
  url: string;
}
export interface InAppConfig {
  recipientUserIds: string[];
}
export type ChannelConfig = EmailConfig | WebhookConfig | InAppConfig | Record<string, never>;

const HOST = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$|^[0-9a-fA-F:.]{2,45}$/;
const ADDRESS = /^[^\s@<>,;"]{1,64}@[A-Za-z0-9.-]{1,253}$/;
export const RECIPIENTS_MAX = 50;
export const SECRET_MIN = 16;

function text(value: string | null | undefined, field: string, max: number, required = true): string {
  const trimmed = (value ?? "").trim();
  if (required && !trimmed) throw badInput(field, "is required");
  const problem = textProblem(trimmed, max);
  if (problem) throw badInput(field, problem);
  return trimmed;
}

export const normalizeName = (value: string | null | undefined, field = "input.name") => text(value, field, 100);

export function httpUrl(value: string | null | undefined, field: string): string {
  const raw = text(value, field, 2_000);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badInput(field, "must be an absolute http(s) URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw badInput(field, "must be an http or https URL");
  if (url.username || url.password) throw badInput(field, "must not carry credentials in the URL");
  return url.toString();
}

export function normalizeEmail(input: EmailChannelInput, field: string): EmailConfig {
  const host = text(input.host, `${field}.host`, 253);
  if (!HOST.test(host)) throw badInput(`${field}.host`, "must be a host name or IP address");
  if (!Number.isInteger(input.port) || input.port < 1 || input.port > 65_535) throw badInput(`${field}.port`, "must be a port (1-65535)");
  const username = text(input.username, `${field}.username`, 200, false) || null;
  const from = text(input.from, `${field}.from`, 320);
  if (!ADDRESS.test(from)) throw badInput(`${field}.from`, "must be an email address");
  if (!input.to.length) throw badInput(`${field}.to`, "must name at least one address");
  if (input.to.length > RECIPIENTS_MAX) throw badInput(`${field}.to`, `must have at most ${RECIPIENTS_MAX} addresses`);
  const to = input.to.map((address, index) => {
    const value = text(address, `${field}.to.${index}`, 320);
    if (!ADDRESS.test(value)) throw badInput(`${field}.to.${index}`, "must be an email address");
    return value;
  });
  const caCertificate = text(input.caCertificate, `${field}.caCertificate`, 50_000, false) || null;
  if (caCertificate && !/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----$/.test(caCertificate)) throw badInput(`${field}.caCertificate`, "must be PEM certificate(s)");
  if (caCertificate && input.security === SmtpSecurity.NONE) throw badInput(`${field}.caCertificate`, "applies to TLS and STARTTLS only");
  return { host, port: input.port, security: input.security, username, from, to: [...new Set(to)], caCertificate };
}

/** A secret as given (not trimmed: spaces may be part of it), checked for length and text. */
export function secretValue(value: string, field: string, min = 1, max = 1_000): string {
  if (value.length < min) throw badInput(field, `must be at least ${min} characters`);
  const problem = textProblem(value, max);
  if (problem) throw badInput(field, problem);
  return value;
}

export const normalizeWebhook = (input: WebhookChannelInput, field: string): WebhookConfig => ({ url: httpUrl(input.url, `${field}.url`) });

export function slackUrl(input: SlackChannelInput, field: string): string | undefined {
  return input.webhookUrl == null ? undefined : httpUrl(input.webhookUrl, `${field}.webhookUrl`);
}

export function normalizeInApp(input: InAppChannelInput | null | undefined, field: string): InAppConfig {
  const ids = input?.recipientUserIds ?? [];
  if (ids.length > RECIPIENTS_MAX) throw badInput(`${field}.recipientUserIds`, `must have at most ${RECIPIENTS_MAX} users`);
  ids.forEach((id, index) => {
    if (!isUuid(id)) throw badInput(`${field}.recipientUserIds.${index}`, "must be a user id");
  });
  return { recipientUserIds: [...new Set(ids.map((id) => id.toLowerCase()))] };
}

/** The input field holding a type's settings. */
export const settingsField: Record<ChannelType, "email" | "webhook" | "slack" | "inApp"> = {
  [ChannelType.EMAIL]: "email",
  [ChannelType.WEBHOOK]: "webhook",
  [ChannelType.SLACK]: "slack",
  [ChannelType.IN_APP]: "inApp",
};
