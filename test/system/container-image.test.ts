// deploy/container: the FROM scratch image builds, runs as its non-root user read-only with no capability, serves, and is a valid OCI image.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IMAGE_UID, sharedLibraries, stageContext } from "../../packaging/container-context.ts";
import { compileExecutable } from "../../packaging/executable.ts";
import { RUNTIME_TUNING } from "../../src/ops/runtime-tuning.ts";
import { killAll, spawnTracked } from "../support/server-process.ts";
import { findCommand, runCommand } from "../support/commands.ts";
import { tcpTime, udpTime, unixSecondsOf } from "../support/clients.ts";
import { closedTcpPorts } from "../support/ports.ts";
import { useSuiteTimeout } from "../support/suite-timeout.ts";
import { NOT_REAL_ROOT, USERNS_ROOT } from "../support/emulation.ts";

useSuiteTimeout();

const CONTAINERFILE = readFileSync(new URL("../../deploy/container/Containerfile", import.meta.url), "utf8");
const KUBERNETES = readFileSync(new URL("../../deploy/kubernetes/deployment.yaml", import.meta.url), "utf8");

describe("the Containerfile", () => {
  test("sets the CLI's runtime tuning, so the server does not re-execute itself in the container", () => {
    const env = /^ENV (.*)$/m
      .exec(CONTAINERFILE)?.[1]
      ?.split(" ")
      .map((pair) => pair.split("="));
    expect(Object.fromEntries(env ?? [])).toEqual(RUNTIME_TUNING);
  });

  test("runs as the numeric user the context creates and the Kubernetes pods ask for", () => {
    expect(CONTAINERFILE).toContain(`USER ${IMAGE_UID}:${IMAGE_UID}`);
    expect(KUBERNETES).toContain(`runAsUser: ${IMAGE_UID}`);
  });
});

/** podman 4.3 here: crun fails on this machine's cgroups, and the default ulimits exceed its hard limits. */
const PODMAN = [findCommand("podman") ?? "podman", "--runtime", "runc"];
const ULIMITS = ["--ulimit", "nofile=20000:20000", "--ulimit", "nproc=4096:4096"];

async function podmanProblem(): Promise<string | null> {
  // .ci/arm64.sh: podman needs a real root, and the host's ldd cannot read the aarch64 executable.
  if (USERNS_ROOT) return `${NOT_REAL_ROOT} (podman), and ldd of the host's architecture`;
  for (const tool of ["podman", "runc", "skopeo", "oci-image-tool", "ldd"])
    if (!findCommand(tool)) return `needs ${tool} (apt-get install podman runc skopeo oci-image-tool)`;
  const info = await runCommand([...PODMAN, "info", "--format", "{{.Host.OCIRuntime.Name}}"]);
  return info.code === 0 ? null : `podman cannot run here: ${info.stderr.trim().split("\n").pop()}`;
}
const skipReason = await podmanProblem();
if (skipReason) console.log(`container-image.test.ts: skipping the image build and run: ${skipReason}`);

// Lower case throughout: podman and skopeo refuse image references and oci: paths with capitals.
const TAG = `test-${process.pid}`;
const IMAGE = `localhost/rfc868-scale:${TAG}`;
const CONTAINER = `rfc868-scale-${process.pid}`;
const WORK = join(tmpdir(), `rfc868-image-${process.pid}`);

/** Run a command that must succeed; its stdout. */
async function must(argv: string[], hangGuardMs = 60_000): Promise<string> {
  const run = await runCommand(argv, { hangGuardMs });
  if (run.code !== 0) throw new Error(`${argv.join(" ")}: exit ${run.code}: ${run.stderr.trim()}`);
  return run.stdout;
}

describe.skipIf(skipReason !== null)("the image, built with podman", () => {
  beforeAll(async () => {
    mkdirSync(WORK, { recursive: true });
    const executable = join(WORK, "rfc868");
    // The single executable as packaging/build.ts compiles it, for this machine's architecture.
    compileExecutable(process.execPath, executable);
    stageContext(executable, join(WORK, "context"));
    await must([...PODMAN, "build", "--quiet", "--tag", IMAGE, join(WORK, "context")]);
  });

  afterAll(async () => {
    await killAll();
    await runCommand([...PODMAN, "rm", "--force", "--ignore", CONTAINER]);
    await runCommand([...PODMAN, "rmi", "--force", IMAGE]);
    rmSync(WORK, { recursive: true, force: true });
  });

  test("holds the executable, the glibc files ldd lists, a user, the config; nothing else", async () => {
    const libraries = sharedLibraries(join(WORK, "rfc868"));
    expect(libraries.some((path) => path.endsWith("/libc.so.6"))).toBe(true);
    const files = (await must(["find", join(WORK, "context/rootfs"), "-type", "f", "-printf", "/%P\n"]))
      .trim()
      .split("\n")
      .sort();
    expect(files).toEqual(
      ["/etc/group", "/etc/passwd", "/etc/rfc868/rfc868.toml", "/usr/bin/rfc868", ...libraries].sort(),
    );
    const inspect = JSON.parse(await must([...PODMAN, "image", "inspect", IMAGE]))[0];
    const size = inspect.Size as number;
    console.log(
      `image ${IMAGE}: ${(size / 2 ** 20).toFixed(1)} MiB (${size} bytes), ${libraries.length} glibc files: ${libraries.join(" ")}`,
    );
    expect(inspect.Config).toMatchObject({
      User: `${IMAGE_UID}:${IMAGE_UID}`,
      ExposedPorts: { "8037/tcp": {}, "8037/udp": {} },
      Entrypoint: ["/usr/bin/rfc868"],
    });
  });

  test("runs read-only, with no capability, as user 10001, with the Kubernetes config: TCP, UDP and metrics on published loopback ports; SIGTERM exits 0", async () => {
    const [port, metricsPort] = (await closedTcpPorts(2)) as [number, number];
    // The ConfigMap's file (deploy/kubernetes), mounted over the image's own as the pods mount it.
    const config = new URL("../../deploy/kubernetes/rfc868.toml", import.meta.url).pathname;
    // No --rm: its cleanup can remove the container under `podman stop`, which then fails (containers/podman#7384); afterAll removes it.
    const run = spawnTracked([
      ...PODMAN,
      "run",
      "--name",
      CONTAINER,
      ...ULIMITS,
      "--read-only",
      "--cap-drop",
      "ALL",
      "--security-opt",
      "no-new-privileges",
      "--publish",
      `127.0.0.1:${port}:8037/tcp`,
      "--publish",
      `127.0.0.1:${port}:8037/udp`,
      "--publish",
      `127.0.0.1:${metricsPort}:9975/tcp`,
      "--volume",
      `${config}:/etc/rfc868/rfc868.toml:ro`,
      IMAGE,
    ]);
    const ready = await Promise.race([
      run.stdout.waitFor(/"event":"listening","port":8037\b/),
      run.proc.exited.then(() => ""),
    ]);
    if (!ready) {
      await run.stderr.ended();
      throw new Error(`the container did not start: ${run.stderr.all.join(" | ")}`);
    }
    const pid = (await must([...PODMAN, "inspect", "--format", "{{.State.Pid}}", CONTAINER])).trim();
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    expect(/^Uid:\s+(.*)$/m.exec(status)?.[1]?.split(/\s+/)).toEqual(Array(4).fill(String(IMAGE_UID)));
    expect(/^CapEff:\s+(\S+)$/m.exec(status)?.[1]).toBe("0000000000000000");
    const tcp = await tcpTime(port);
    expect(Math.abs(unixSecondsOf(tcp.bytes) - Date.now() / 1000)).toBeLessThanOrEqual(2);
    expect(Math.abs(unixSecondsOf(await udpTime(port)) - Date.now() / 1000)).toBeLessThanOrEqual(2);
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/^rfc868_requests_total\{transport="tcp"[^}]*\} 1$/m);
    await must([...PODMAN, "stop", "--time", "10", CONTAINER]);
    expect(await run.proc.exited).toBe(0);
  });

  test("is a valid OCI image layout (skopeo copy, then oci-image-tool validate), and a broken copy is not", async () => {
    const layout = join(WORK, "oci");
    await must([findCommand("skopeo")!, "copy", "--quiet", `containers-storage:${IMAGE}`, `oci:${layout}:${TAG}`]);
    const validate = (dir: string) =>
      runCommand([findCommand("oci-image-tool")!, "validate", "--type", "image", "--ref", `name=${TAG}`, dir]);
    const valid = await validate(layout);
    console.log(
      `oci-image-tool validate: ${(valid.stdout + valid.stderr).trim().replaceAll("\n", " | ")}; layout ${(await must(["du", "-sm", layout])).split("\t")[0]} MiB compressed`,
    );
    expect(valid.code).toBe(0);
    expect(valid.stdout).toContain("Validation succeeded");
    // A copy whose image config blob is gone (hard links: the layers are not copied).
    const broken = join(WORK, "oci-broken");
    await must(["cp", "-al", layout, broken]);
    const manifest = JSON.parse(readFileSync(join(broken, "index.json"), "utf8")).manifests[0].digest.replace(
      "sha256:",
      "",
    );
    const configDigest = JSON.parse(readFileSync(join(broken, "blobs/sha256", manifest), "utf8")).config.digest.replace(
      "sha256:",
      "",
    );
    rmSync(join(broken, "blobs/sha256", configDigest));
    expect((await validate(broken)).code).not.toBe(0);
  });
});
