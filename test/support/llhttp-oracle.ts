// A strict HTTP/1.1 parser to judge ours against: Node's own llhttp (lenient flags off), one node process for a whole batch of heads.
import { findCommand } from "./commands.ts";

/** node on PATH (every CI machine has it, for npm); null: the differential tests skip, saying so. */
export const NODE = findCommand("node");

/**
 * Reads base64 heads, one a line, on stdin; prints 1 (accepted) or 0 per head. Accepted: llhttp parsed the
 * whole head with no error and reached the end of its fields (on_headers_complete), as a server would act on it.
 */
const JUDGE = `
const { HTTPParser } = require("_http_common");
const lines = require("node:fs").readFileSync(0, "utf8").split("\\n").filter(Boolean);
const verdicts = lines.map((line) => {
  const parser = new HTTPParser();
  let complete = false;
  parser[HTTPParser.kOnHeadersComplete] = () => { complete = true; };
  parser.initialize(HTTPParser.REQUEST, {}, 0, 0);
  const result = parser.execute(Buffer.from(line, "base64"));
  return !(result instanceof Error) && complete ? "1" : "0";
});
process.stdout.write(verdicts.join("\\n") + "\\n");
`;

/** llhttp's verdict on each head, in order: true when it accepts it. */
export async function llhttpAccepts(heads: readonly Uint8Array[]): Promise<boolean[]> {
  if (!NODE) throw new Error("no node on PATH");
  const proc = Bun.spawn([NODE, "-e", JUDGE], { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
  proc.stdin.write(heads.map((head) => Buffer.from(head).toString("base64")).join("\n") + "\n");
  proc.stdin.end();
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  const verdicts = out.trimEnd().split("\n");
  if (code !== 0 || verdicts.length !== heads.length)
    throw new Error(
      `the llhttp judge failed (exit ${code}, ${verdicts.length} verdicts for ${heads.length} heads): ${err}`,
    );
  return verdicts.map((verdict) => verdict === "1");
}
