// How long a time reply waits while SIGHUP reloads change a 100,000-entry allow list (issue 16, item 2), against no reload.
// Usage: bun bench/reload-pause.ts [--reloads N]   (one sequential TCP client, a child process; the reloads alternate two lists)
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median } from "./stats.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const ENTRIES = 100_000;

/** The client, run as its own process: sequential time queries until SIGTERM, then each one's [sent, wait] (epoch ms) as JSON. */
async function client(port: number): Promise<never> {
  const { connect } = await import("node:net");
  const now = () => performance.timeOrigin + performance.now();
  const waits: [number, number][] = [];
  let stopped = false;
  process.on("SIGTERM", () => (stopped = true));
  while (!stopped) {
    const sent = now();
    const bytes = await new Promise<number>((resolve, reject) => {
      let received = 0;
      connect(port, "127.0.0.1")
        .on("data", (data) => (received += data.length))
        .on("error", reject)
        .on("close", () => resolve(received));
    });
    if (bytes !== 4) throw new Error(`a time reply of ${bytes} bytes`);
    waits.push([sent, now() - sent]);
  }
  await Bun.write(Bun.stdout, JSON.stringify(waits));
  process.exit(0);
}

if (process.argv[2] === "--client") await client(Number(process.argv[3]));

/** `ENTRIES - 1` distinct /24 blocks from `first`.0.0.0 on, then 127.0.0.1 (the client). */
const list = (first: number) =>
  `allow = [\n${Array.from({ length: ENTRIES - 1 }, (_, i) => `"${first + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24",`).join("\n")}\n"127.0.0.1"]\n`;

/** Each line `stream` gives, to `sink`. */
async function lines(stream: ReadableStream<Uint8Array>, sink: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of stream) {
    buffer += decoder.decode(chunk, { stream: true });
    for (let end = buffer.indexOf("\n"); end >= 0; end = buffer.indexOf("\n")) {
      sink(buffer.slice(0, end));
      buffer = buffer.slice(end + 1);
    }
  }
}

const reloads = Number(process.argv[process.argv.indexOf("--reloads") + 1] || 6);
const dir = mkdtempSync(join(tmpdir(), "rfc868-reload-pause-"));
const path = join(dir, "rfc868.toml");
const texts = [list(10), list(30)];
writeFileSync(path, texts[0]!);
const server = Bun.spawn([process.execPath, `${ROOT}src/server.ts`, "--port", "0", "--config", path, "--quiet"], {
  stdout: "pipe",
  stderr: "pipe",
});
let port = 0;
let reloaded = 0;
void lines(server.stdout, (line) => (port ||= Number(/^listening on port (\d+)$/.exec(line)?.[1] ?? 0)));
void lines(server.stderr, (line) => {
  if (line.startsWith("rfc868: reloaded ")) reloaded++;
  else if (line.includes("reload")) console.error(line);
});
while (port === 0) await Bun.sleep(5);
const queries = Bun.spawn([process.execPath, import.meta.path, "--client", String(port)], { stdout: "pipe" });
const now = () => performance.timeOrigin + performance.now();

await Bun.sleep(2000);
const quiet = [now() - 1500, now()] as const;
const windows: [number, number][] = [];
for (let i = 1; i <= reloads; i++) {
  writeFileSync(`${path}.new`, texts[i % 2]!);
  renameSync(`${path}.new`, path);
  const before = reloaded;
  const signalled = now();
  server.kill("SIGHUP");
  while (reloaded === before) await Bun.sleep(2);
  windows.push([signalled, now()]);
  await Bun.sleep(700);
}
queries.kill("SIGTERM");
const waits: [number, number][] = JSON.parse(await new Response(queries.stdout).text());
server.kill("SIGTERM");
await server.exited;
rmSync(dir, { recursive: true });

const quietWaits = waits.filter(([sent]) => sent >= quiet[0] && sent < quiet[1]).map(([, wait]) => wait);
const longest = windows.map(([from, to]) =>
  Math.max(...waits.filter(([sent, wait]) => sent + wait >= from && sent <= to).map(([, wait]) => wait)),
);
const ms = (values: number[]) => values.map((value) => value.toFixed(1)).join(", ");
console.log(
  `no reload (1.5 s, ${quietWaits.length} queries): median wait ${median(quietWaits).toFixed(2)} ms, longest ${Math.max(...quietWaits).toFixed(1)} ms`,
);
console.log(
  `${reloads} reloads of a changed ${ENTRIES}-entry allow list: longest wait per reload ${ms(longest)} ms (median ${median(longest).toFixed(1)}, max ${Math.max(...longest).toFixed(1)}); SIGHUP to reloaded line ${ms(windows.map(([from, to]) => to - from))} ms`,
);
