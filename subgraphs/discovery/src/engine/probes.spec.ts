import { cleanText, greetingService, htmlTitle } from "./probes";

describe("service probe parsing", () => {
  it("names greeters by their protocol lines", () => {
    expect(greetingService(Buffer.from("SSH-2.0-OpenSSH_9.2\r\n"), 2222)).toBe("ssh");
    expect(greetingService(Buffer.from("220 mx ESMTP Postfix\r\n"), 2525)).toBe("smtp");
    expect(greetingService(Buffer.from("220 (vsFTPd 3.0.3)\r\n"), 2121)).toBe("ftp");
    expect(greetingService(Buffer.from([0xff, 0xfd, 0x18]), 2323)).toBe("telnet");
    expect(greetingService(Buffer.from("hello"), 9999)).toBeNull();
  });

  it("drops telnet negotiation and control characters from banners", () => {
    expect(cleanText(Buffer.concat([Buffer.from([0xff, 0xfb, 0x01, 0xff, 0xfa, 0x18, 0x01, 0xff, 0xf0]), Buffer.from("login: \x07\r\n")]))).toBe("login:");
  });

  it("reads an HTML title, entities decoded and whitespace folded", () => {
    expect(htmlTitle("<html><head><TITLE>\n  Router &amp; Co\n</TITLE>")).toBe("Router & Co");
    expect(htmlTitle("<html></html>")).toBeNull();
  });
});
