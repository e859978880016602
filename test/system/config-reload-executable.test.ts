// The reload's worker thread inside the single executable: packaging/executable.ts must embed it, and the executable must find it there.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileExecutable } from "../../packaging/executable.ts";
import { killAll, spawnTracked } from "../support/server-process.ts";
import { tcpTime } from "../support/clients.ts";
import { ConfigDir } from "../support/config-files.ts";
import { useSuiteTimeout } from "../support/suite-timeout.ts";

useSuiteTimeout();

const dir = mkdtempSync(join(tmpdir(), "rfc868-reload-executable-"));
const executable = join(dir, "rfc868");
const files = new ConfigDir();

beforeAll(() => compileExecutable(process.execPath, executable));
afterAll(async () => {
  await killAll();
  rmSync(dir, { recursive: true, force: true });
  files.remove();
});

test("SIGHUP in the compiled executable reads the file in its worker and applies it", async () => {
  const path = files.write('host = ["127.0.0.1"]\nport = 0\n');
  // From / : the worker must come from inside the executable, not from a src/ beside the working directory.
  const { proc, stdout, stderr } = spawnTracked(["env", "-C", "/", executable, "--config", path]);
  const port = Number((await stdout.waitFor(/^listening on port \d+$/)).split(" ").pop());
  expect((await tcpTime(port)).bytes.length).toBe(4);
  files.write('host = ["127.0.0.1"]\nport = 0\ndeny = ["127.0.0.1"]\n', path);
  proc.kill("SIGHUP");
  expect(await stderr.waitFor(/reload/)).toBe(`rfc868: reloaded ${path}: changed deny`);
  expect((await tcpTime(port)).bytes.length).toBe(0);
});
