// The single executable (packaging/): built here, it re-executes itself once with the tuning, names itself as invoked, serves, and runs the client under that name.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileExecutable } from "../../packaging/executable.ts";
import { RUNTIME_TUNING } from "../../src/ops/runtime-tuning.ts";
import { killAll, spawnTracked } from "../support/server-process.ts";
import { installedFor, runCommand } from "../support/commands.ts";
import { tcpTime } from "../support/clients.ts";
import { useSuiteTimeout } from "../support/suite-timeout.ts";

useSuiteTimeout();

const ROOT = join(import.meta.dir, "../..");
const dir = mkdtempSync(join(tmpdir(), "rfc868-executable-"));
const executable = join(dir, "rfc868");
const client = join(dir, "rfc868-client");

beforeAll(() => {
  compileExecutable(process.execPath, executable);
  symlinkSync("rfc868", client);
});

afterAll(async () => {
  await killAll();
  rmSync(dir, { recursive: true, force: true });
});

const strace = installedFor("strace", "executable.test.ts", "the execve count");
const git = installedFor("git", "executable.test.ts", "the embedded commit test");

function procStrings(pid: number, file: "environ" | "cmdline"): string[] {
  return readFileSync(`/proc/${pid}/${file}`, "utf8").split("\0").filter(Boolean);
}

/** Start `argv` (the executable with its arguments), from `cwd`, and wait for the ready line; returns its pid and port. */
async function startExecutable(argv: string[], cwd = dir): Promise<{ pid: number; port: number }> {
  // env -C: spawnTracked has no cwd, and env execs the executable with argv[0] unchanged.
  const { proc, stdout, stderr } = spawnTracked(["env", "-C", cwd, ...argv]);
  const ready = await Promise.race([stdout.waitFor(/^listening on port \d+$/), proc.exited.then(() => "")]);
  if (!ready) {
    await stderr.ended();
    throw new Error(`the executable did not start: ${stderr.all.join(" | ")}`);
  }
  return { pid: proc.pid, port: Number(ready.split(" ").pop()) };
}

describe("the single executable", () => {
  test("runs tuned after one re-execution that keeps its arguments, and serves", async () => {
    const argv = [executable, "--host", "127.0.0.1", "--port", "0", "--quiet"];
    const { pid, port } = await startExecutable(argv);
    expect(
      Object.fromEntries(
        procStrings(pid, "environ").map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]),
      ),
    ).toMatchObject(RUNTIME_TUNING);
    // Not /$bunfs/root/rfc868 as a first argument: that is what the re-execution passed before. The
    // last ones: under qemu through binfmt_misc (.ci/arm64.sh) the kernel puts qemu's path first.
    expect(procStrings(pid, "cmdline").slice(-argv.length)).toEqual(argv);
    expect((await tcpTime(port)).bytes.length).toBe(4);
  });

  test.skipIf(!strace)("execve: the start and exactly one re-execution, with the same argv", async () => {
    const log = join(dir, "execve.log");
    const run = await runCommand([
      strace!,
      "-f",
      "-qq",
      "-s",
      "4096",
      "-e",
      "trace=execve",
      "-e",
      "signal=none",
      "-o",
      log,
      executable,
      "--version",
    ]);
    expect(run.code).toBe(0);
    // A call that another thread interrupts in the log is split: "execve(...) <unfinished ...>", its
    // result later on a "<... execve resumed>" line. So every call is counted, minus those that failed.
    const execs = readFileSync(log, "utf8")
      .split("\n")
      .filter((line) => /execve\(/.test(line) && !/= -1 /.test(line));
    expect(execs.map((line) => /execve\("[^"]*", (\[[^\]]*\])/.exec(line)?.[1])).toEqual([
      `["${executable}", "--version"]`,
      `["${executable}", "--version"]`,
    ]);
  });

  test("a .env in the working directory changes nothing (built without dotenv autoload)", async () => {
    const cwd = mkdtempSync(join(dir, "cwd-"));
    writeFileSync(join(cwd, ".env"), "BUN_JSC_useFTLJIT=1\n");
    const { pid } = await startExecutable([executable, "--host", "127.0.0.1", "--port", "0", "--quiet"], cwd);
    expect(procStrings(pid, "environ")).toContain(`BUN_JSC_useFTLJIT=${RUNTIME_TUNING.BUN_JSC_useFTLJIT}`);
  });

  test("--help names the program as invoked: the executable, the client symlink, and bun run from a checkout", async () => {
    const firstLine = async (argv: string[]) => (await runCommand(argv, { cwd: ROOT })).stdout.split("\n")[0];
    expect(await firstLine([executable, "--help"])).toBe("usage: rfc868 [options]");
    expect(await firstLine([client, "--help"])).toBe("usage: rfc868-client HOST [options]");
    expect(await firstLine([process.execPath, "run", "src/server.ts", "--help"])).toBe(
      "usage: bun run src/server.ts [options]",
    );
  });

  test.skipIf(!git)(
    "--version, server and client: the commit embedded at build time, run far from any checkout",
    async () => {
      const head = Bun.spawnSync(["git", "rev-parse", "--short=12", "HEAD"], { cwd: ROOT }).stdout.toString().trim();
      expect(head).toMatch(/^[0-9a-f]{12}$/);
      const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
      // PATH without git and a working directory outside the checkout: the commit can only come from the build.
      for (const program of [executable, client]) {
        const run = await runCommand([program, "--version"], { cwd: dir, env: { PATH: "/nonexistent" } });
        expect({ program, code: run.code, stdout: run.stdout }).toEqual({
          program,
          code: 0,
          stdout: `${version}\ncommit ${head}\nbun ${Bun.version}\n`,
        });
      }
    },
  );

  test("invoked as rfc868-client it is the client: it asks a server and prints its time", async () => {
    const { port } = await startExecutable([executable, "--host", "127.0.0.1", "--port", "0", "--quiet"]);
    const run = await runCommand([client, "127.0.0.1", "--port", String(port), "--json"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ host: "127.0.0.1", port, transport: "tcp" });
  });
});
