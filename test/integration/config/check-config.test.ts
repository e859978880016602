// rfc868 --check-config: the flags and the file checked by start-up's own code, nothing bound, "ok" and exit 0 or the one-line error and exit 2.
import { afterAll, describe, expect, test } from "bun:test";
import { createServer } from "node:net";
import { killAll, runServer } from "../../support/server-process.ts";
import { ConfigDir, uncommentedExample } from "../../support/config-files.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

const files = new ConfigDir();
afterAll(async () => {
  await killAll();
  files.remove();
});

/** A port something else holds for the test's length: a real start-up would fail to bind it. */
async function takenPort(): Promise<{ port: number; close: () => void }> {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
  return { port: (holder.address() as { port: number }).port, close: () => holder.close() };
}

describe("--check-config", () => {
  test("the shipped example, every key uncommented, is ok: exit 0, one line, and nothing bound even on a port in use", async () => {
    const taken = await takenPort();
    try {
      const run = await runServer([
        "--check-config",
        "--config",
        files.write(uncommentedExample()),
        "--host",
        "127.0.0.1",
        "--port",
        String(taken.port),
      ]);
      expect([run.code, run.stdout, run.stderr]).toEqual([0, ["ok"], []]);
    } finally {
      taken.close();
    }
  });

  test.each([
    ["an unknown key", "prot = 37\n", /unknown key "prot"/],
    ["a value of the wrong type", 'port = "37"\n', /port/],
    ["a CIDR with host bits", 'allow = ["10.0.0.1/8"]\n', /10\.0\.0\.1\/8/],
    ["an empty file", "", /empty/],
  ])("%s: the one line start-up would print, exit 2", async (_, text, message) => {
    const path = files.write(text);
    const run = await runServer(["--check-config", "--config", path]);
    expect(run.code).toBe(2);
    expect(run.stdout).toEqual([]);
    expect(run.stderr).toHaveLength(1);
    expect(run.stderr[0]).toMatch(message);
    // The same line a real start-up prints for the same file.
    const started = await runServer(["--config", path, "--port", "0"]);
    expect(started.stderr).toEqual(run.stderr);
  });

  test("a metrics address that is no IP literal, from the file: refused, exit 2", async () => {
    const path = files.write('metrics = "localhost:9975"\n');
    const run = await runServer(["--check-config", "--config", path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toHaveLength(1);
    expect(run.stderr[0]).toContain("metrics");
  });
});
