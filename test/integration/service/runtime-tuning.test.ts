// The CLI's runtime tuning: added to the environment by one execve of itself, same pid, user values kept.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { RUNTIME_TUNING, tunedEnvironment } from "../../../src/ops/runtime-tuning.ts";
import { killAll, startServer } from "../../support/server-process.ts";
import { tcpTime } from "../../support/clients.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

function environOf(pid: number): Record<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean);
  return Object.fromEntries(
    entries.map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]),
  );
}

describe("tunedEnvironment", () => {
  test("adds every missing setting and keeps the rest of the environment", () => {
    const tuned = tunedEnvironment({ PATH: "/bin", EMPTY: "" });
    expect(tuned).toEqual({ PATH: "/bin", EMPTY: "", ...RUNTIME_TUNING });
  });

  test("keeps a value the user set, even one that undoes the tuning", () => {
    const tuned = tunedEnvironment({ BUN_JSC_useFTLJIT: "1" });
    expect(tuned?.BUN_JSC_useFTLJIT).toBe("1");
    expect(tuned?.BUN_GC_TIMER_DISABLE).toBe(RUNTIME_TUNING.BUN_GC_TIMER_DISABLE!);
  });

  test("is null once every setting is present, so the server re-executes at most once", () => {
    expect(tunedEnvironment({ ...RUNTIME_TUNING })).toBeNull();
  });
});

describe("the CLI", () => {
  test("runs tuned in the process it was started as (same pid) and serves", async () => {
    const server = await startServer();
    expect(environOf(server.proc.pid)).toMatchObject(RUNTIME_TUNING);
    expect((await tcpTime(server.port)).bytes.length).toBe(4);
  });

  test("leaves a setting the user gave alone", async () => {
    const server = await startServer([], { BUN_JSC_useFTLJIT: "1" });
    const env = environOf(server.proc.pid);
    expect(env.BUN_JSC_useFTLJIT).toBe("1");
    expect(env.MIMALLOC_PURGE_DELAY).toBe(RUNTIME_TUNING.MIMALLOC_PURGE_DELAY!);
  });
});
