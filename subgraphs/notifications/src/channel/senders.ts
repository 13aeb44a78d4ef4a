import { createHmac } from "node:crypto";
import nodemailer from "nodemailer";
import { SmtpSecurity } from "./channel.type";
import type { EmailConfig } from "./channel.validation";

/** What one delivery sends, whatever the channel. */
export interface OutgoingMessage {
  deliveryId: string;
  subject: string;
  body: string;
  /** The event as receivers see it (no secrets: the event registry carries none). */
  event: Record<string, unknown>;
}

/** A send that failed; its message is what deliveries show as lastError (never a secret or URL path). */
export class SendError extends Error {}

export const SIGNATURE_HEADER = "x-opsconductor-signature";
export const TIMESTAMP_HEADER = "x-opsconductor-timestamp";
export const DELIVERY_HEADER = "x-opsconductor-delivery";

/** `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: receivers recompute it and compare. */
export const signature = (secret: string, timestamp: string, body: string) => `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === "TimeoutError" || (error as Error).name === "AbortError") return "timed out";
  return cause?.code ?? cause?.message ?? (error as Error).message ?? "send failed";
}

async function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json", ...headers }, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new SendError(`request failed: ${describe(error)}`);
  }
  await response.body?.cancel().catch(() => undefined);
  if (response.status < 200 || response.status >= 300) throw new SendError(`receiver answered HTTP ${response.status}`);
}

export async function sendWebhook(url: string, secret: string, message: OutgoingMessage, timeoutMs: number): Promise<void> {
  const body = JSON.stringify({ deliveryId: message.deliveryId, subject: message.subject, body: message.body, event: message.event });
  const timestamp = String(Math.floor(Date.now() / 1000));
  await post(url, body, { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signature(secret, timestamp, body), [DELIVERY_HEADER]: message.deliveryId }, timeoutMs);
}

/** Slack's incoming-webhook format: `text` (fallback and notifications) plus blocks. */
export async function sendSlack(url: string, message: OutgoingMessage, timeoutMs: number): Promise<void> {
  const payload = {
    text: `${message.subject}\n${message.body}`,
    blocks: [
      { type: "header", text: { type: "plain_text", text: message.subject.slice(0, 150) } },
      { type: "section", text: { type: "mrkdwn", text: message.body.slice(0, 3_000) || " " } },
    ],
  };
  await post(url, JSON.stringify(payload), {}, timeoutMs);
}

export async function sendEmail(config: EmailConfig, password: string | null, message: OutgoingMessage, timeoutMs: number): Promise<void> {
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.security === SmtpSecurity.TLS,
    requireTLS: config.security === SmtpSecurity.STARTTLS,
    ignoreTLS: config.security === SmtpSecurity.NONE,
    auth: config.username ? { user: config.username, pass: password ?? "" } : undefined,
    tls: { minVersion: "TLSv1.2", ...(config.caCertificate ? { ca: config.caCertificate } : {}) },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    logger: false,
    debug: false,
  });
  try {
    await transport.sendMail({ from: config.from, to: config.to, subject: message.subject, text: message.body, headers: { [DELIVERY_HEADER]: message.deliveryId } });
  } catch (error) {
    const { code, responseCode } = error as { code?: string; responseCode?: number };
    // nodemailer's messages can quote the server's reply; the code and status say enough and carry no secret.
    throw new SendError(`SMTP send failed: ${[code, responseCode].filter(Boolean).join(" ") || "error"}`);
  } finally {
    transport.close();
  }
}
