import { StringDecoder } from "node:string_decoder";

export const REDACTED = "********";

/**
 * Replaces every occurrence of the given secret values in streamed text, also when a value is split
 * across chunks: the last (longest secret − 1) characters are held back until more text arrives or
 * the stream ends. A secret can only end inside the held-back tail, so nothing leaves unredacted.
 */
export class StreamRedactor {
  private readonly secrets: string[];
  private readonly hold: number;
  private pending = "";

  constructor(secrets: string[]) {
    // Longest first, so a secret containing another is replaced whole.
    this.secrets = [...new Set(secrets.filter((secret) => secret.length > 0))].sort((a, b) => b.length - a.length);
    this.hold = Math.max(0, ...this.secrets.map((secret) => secret.length - 1));
  }

  /** Text safe to store and publish now. */
  push(text: string): string {
    if (!this.secrets.length) return text;
    const redacted = redact(this.pending + text, this.secrets);
    const cut = Math.max(0, redacted.length - this.hold);
    this.pending = redacted.slice(cut);
    return redacted.slice(0, cut);
  }

  /** Whatever is held back, at the end of the stream. */
  end(): string {
    const rest = this.pending;
    this.pending = "";
    return rest;
  }
}

export function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join(REDACTED);
  return out;
}

/**
 * One stream (stdout or stderr) of one step: bytes → UTF-8 text → redacted text, capped at `limit`
 * bytes of stored text; beyond it a visible marker says how much was dropped.
 */
export class StreamCapture {
  private readonly decoder = new StringDecoder("utf8");
  private readonly redactor: StreamRedactor;
  private stored = "";
  private storedBytes = 0;
  private dropped = 0;

  constructor(
    secrets: string[],
    private readonly limit: number,
  ) {
    this.redactor = new StreamRedactor(secrets);
  }

  /** Returns the part of this data that is to be stored/streamed (may be empty). */
  write(data: Buffer): string {
    return this.keep(this.redactor.push(this.decoder.write(data)));
  }

  /** Flushes held-back text at the end of the stream. */
  end(): string {
    return this.keep(this.redactor.push(this.decoder.end()) + this.redactor.end());
  }

  private keep(text: string): string {
    if (!text) return "";
    const bytes = Buffer.byteLength(text);
    if (this.dropped === 0 && this.storedBytes + bytes <= this.limit) {
      this.stored += text;
      this.storedBytes += bytes;
      return text;
    }
    // Cut at the limit on a character boundary; everything after is only counted.
    const room = Math.max(0, this.limit - this.storedBytes);
    const head = room > 0 ? Buffer.from(text).subarray(0, room).toString("utf8").replace(/\uFFFD$/, "") : "";
    this.stored += head;
    this.storedBytes += Buffer.byteLength(head);
    this.dropped += bytes - Buffer.byteLength(head);
    return head;
  }

  get truncated(): boolean {
    return this.dropped > 0;
  }

  /** The stored text, with the truncation marker when output was cut. */
  text(): string {
    return this.dropped > 0 ? `${this.stored}\n[output truncated: ${this.dropped} more bytes not stored]\n` : this.stored;
  }
}
