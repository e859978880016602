// The server's own code (src/, native/) never uses the runtime's networking: only libc through bun:ffi.
import { afterAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { killAll } from "../support/server-process.ts";
import { useSuiteTimeout } from "../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

const ROOT = new URL("../..", import.meta.url).pathname;
const SCANNED = ["src", "native"];

/** What is forbidden, each with a pattern; a mention in a comment counts too (the README promises none). */
const FORBIDDEN: { what: string; pattern: RegExp }[] = [
  { what: "node:net / node:dgram / node:http(s/2) / node:tls", pattern: /\bnode:(?:net|dgram|http|https|http2|tls)\b/ },
  {
    what: "Bun.listen / Bun.connect / Bun.udpSocket / Bun.serve",
    pattern: /\bBun\s*\.\s*(?:listen|connect|udpSocket|serve)\b/,
  },
  { what: 'Bun["listen"] and the like', pattern: /\bBun\s*\[\s*["'`](?:listen|connect|udpSocket|serve)["'`]\s*\]/ },
  {
    what: "a bare net / dgram / http / https / http2 / tls module import or require",
    pattern: /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)["'`](?:net|dgram|http|https|http2|tls)["'`]/,
  },
  {
    what: 'listen / connect / udpSocket / serve imported from "bun"',
    pattern: /\bimport\s*(?:type\s+)?\{[^}]*\b(?:listen|connect|udpSocket|serve)\b[^}]*\}\s*from\s*["'`]bun["'`]/,
  },
];

/** Every file under `dir`, recursively (all kinds: .ts, .c, anything a colleague adds). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** `file:line: what` for every forbidden mention in `text`. */
function violations(file: string, text: string): string[] {
  const found: string[] = [];
  text.split("\n").forEach((line, index) => {
    for (const { what, pattern } of FORBIDDEN) {
      if (pattern.test(line)) found.push(`${file}:${index + 1}: ${what}: ${line.trim()}`);
    }
  });
  return found;
}

describe("src/ and native/", () => {
  const files = SCANNED.flatMap((dir) => filesUnder(join(ROOT, dir)));

  test("are scanned in full, including the entry point and the libc bindings", () => {
    const names = files.map((file) => relative(ROOT, file));
    expect(names).toContain("src/server.ts");
    expect(names).toContain("native/libc.ts");
  });

  test("never mention node:net, node:dgram, node:http, Bun.listen, Bun.connect, Bun.udpSocket, Bun.serve or a bare net/dgram import", () => {
    const found = files.flatMap((file) => violations(relative(ROOT, file), readFileSync(file, "utf8")));
    expect(found).toEqual([]);
  });
});

describe("the scanner", () => {
  test.each([
    'import net from "node:net";',
    "import dgram from 'node:dgram';",
    'const http = await import("node:http");',
    'import { request } from "node:https";',
    "// we could use Bun.listen here",
    "const s = Bun.serve({ fetch });",
    "Bun.connect({ hostname, port });",
    "await Bun.udpSocket({});",
    'Bun["listen"]({})',
    'import net from "net";',
    "import * as dgram from 'dgram';",
    'const net = require("net");',
    "const d = require('dgram');",
    'const h = await import("http");',
    'import "tls";',
    'import { serve } from "bun";',
    'import { spawn, listen } from "bun";',
  ])("flags %p", (line) => {
    expect(violations("sample.ts", line)).toHaveLength(1);
  });

  test.each([
    'import { dlopen, FFIType } from "bun:ffi";',
    'import { readFileSync } from "node:fs";',
    "listenOn(fd, backlog);",
    "// bind, listen, select: the syscalls, not the runtime",
    'const internet = "network";',
    'import { network } from "./netstat.ts";',
    "const connection = connect4(fd);",
  ])("lets %p through", (line) => {
    expect(violations("sample.ts", line)).toEqual([]);
  });
});
