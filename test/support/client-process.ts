// Run the rdate-like client (src/client.ts) as a subprocess and collect what it printed.
import { runCommand } from "./commands.ts";

const CLIENT = new URL("../../src/client.ts", import.meta.url).pathname;

export interface ClientRun {
  code: number | null;
  stdout: string[];
  stderr: string[];
}

/** `bun src/client.ts ARGS` to completion; output split into non-empty lines. */
export async function runClient(args: string[]): Promise<ClientRun> {
  const result = await runCommand([process.execPath, CLIENT, ...args]);
  const lines = (text: string) => text.split("\n").filter(Boolean);
  return { code: result.code, stdout: lines(result.stdout), stderr: lines(result.stderr) };
}
