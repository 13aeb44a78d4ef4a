import { REDACTED, StreamCapture, StreamRedactor } from "./output";
import { shellQuote, substitute } from "./placeholders";

describe("StreamRedactor", () => {
  it("redacts a secret split across any two chunks", () => {
    const secret = "hunter2-very-secret";
    const text = `before ${secret} middle ${secret} after`;
    for (let cut = 0; cut <= text.length; cut++) {
      const redactor = new StreamRedactor([secret]);
      const out = redactor.push(text.slice(0, cut)) + redactor.push(text.slice(cut)) + redactor.end();
      expect(out).toBe(`before ${REDACTED} middle ${REDACTED} after`);
    }
  });

  it("passes text through unchanged without secrets", () => {
    const redactor = new StreamRedactor([]);
    expect(redactor.push("abc") + redactor.end()).toBe("abc");
  });
});

describe("StreamCapture", () => {
  it("keeps at most the limit and marks the cut", () => {
    const capture = new StreamCapture([], 10);
    expect(capture.write(Buffer.from("12345678"))).toBe("12345678");
    expect(capture.write(Buffer.from("abcdef"))).toBe("ab");
    capture.end();
    expect(capture.truncated).toBe(true);
    expect(capture.text()).toBe("12345678ab\n[output truncated: 4 more bytes not stored]\n");
  });

  it("decodes UTF-8 split across chunks", () => {
    const capture = new StreamCapture([], 100);
    const bytes = Buffer.from("héllo");
    capture.write(bytes.subarray(0, 2));
    capture.write(bytes.subarray(2));
    capture.end();
    expect(capture.text()).toBe("héllo");
  });
});

describe("substitute", () => {
  const values = { parameters: { name: "it's; rm -rf /", empty: "" }, target: { name: "web-1", address: "10.0.0.1" }, run: { id: "r1", number: 7 } };
  it("shell-quotes every value and leaves unknown placeholders", () => {
    expect(substitute("echo {{name}} {{ target.name }} {{target.address}} {{run.id}} #{{run.number}} {{nope}} {{empty}}", values)).toBe(
      `echo ${shellQuote("it's; rm -rf /")} 'web-1' '10.0.0.1' 'r1' #'7' {{nope}} ''`,
    );
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});
