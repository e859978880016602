// The whole project (src, native, test, bench) passes the strict TypeScript check, `tsc --noEmit`.
import { afterAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { findCommand, runCommand } from "./support/commands.ts";
import { killAll } from "./support/server-process.ts";
import { useSuiteTimeout } from "./support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

const ROOT = new URL("..", import.meta.url).pathname;
const TSC = `${ROOT}node_modules/.bin/tsc`;
// tsc is a Node program: a machine with Bun alone (the suite inside .ci/systemd.sh's container) cannot run it.
const skipReason = !existsSync(TSC) ? "typescript is not installed (node_modules/.bin/tsc; run npm ci)" : findCommand("node") ? null : "tsc runs on Node, and node is not on PATH";
if (skipReason) console.log(`typecheck.test.ts: skipped, ${skipReason}`);

test.skipIf(skipReason !== null)("tsc --noEmit reports no errors", async () => {
  // tsc needs a few seconds on a busy 2-core machine; the guard is only against a hang.
  const run = await runCommand([TSC, "--noEmit", "--pretty", "false"], { cwd: ROOT, hangGuardMs: 120_000 });
  if (run.code !== 0) console.log(`tsc --noEmit exited ${run.code}:\n${run.stdout}${run.stderr}`);
  expect({ code: run.code, output: (run.stdout + run.stderr).trim() }).toEqual({ code: 0, output: "" });
}, 150_000);
