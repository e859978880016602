// Find the interpreters and daemons the peers need on this machine, by running them, never by assuming a path.
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";

export interface Interpreter {
  /** The real binary (sys.executable), so no shim sits between the bench and the process it measures. */
  path: string;
  version: string;
}

export interface Tools {
  python2: Interpreter | null;
  python3: Interpreter | null;
  node: { path: string; version: string } | null;
  xinetd: { path: string; version: string } | null;
}

/** PATH plus the sbin directories Debian puts daemons in (xinetd is in /usr/sbin). */
function which(name: string): string | null {
  return Bun.which(name, { PATH: [process.env.PATH ?? "", "/usr/local/sbin", "/usr/sbin", "/sbin"].join(":") });
}

function run(argv: string[]): { code: number; stdout: string; stderr: string } {
  try {
    const result = Bun.spawnSync(argv, { stdin: "ignore", stdout: "pipe", stderr: "pipe", timeout: 10_000 });
    return { code: result.exitCode ?? -1, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
  } catch {
    return { code: -1, stdout: "", stderr: "" };
  }
}

/** Ask a candidate interpreter who it is; null unless it runs and its version starts with `wanted`. */
function probePython(candidate: string, wanted: string): Interpreter | null {
  // A pyenv shim is on PATH even when no selected version provides the command: it then exits 127.
  const { code, stdout } = run([
    candidate,
    "-c",
    "import sys; print(sys.executable); print('%d.%d.%d' % sys.version_info[:3])",
  ]);
  const [path, version] = stdout.trim().split("\n");
  if (code !== 0 || !path || !version || !version.startsWith(wanted)) return null;
  return { path, version };
}

/** Python 2.7: python2.7 and python2 on PATH, then ~/.pyenv/versions/2.7*\/bin. */
export function findPython2(): Interpreter | null {
  const candidates = ["python2.7", "python2"].map(which).filter((path): path is string => path !== null);
  const pyenv = `${homedir()}/.pyenv/versions`;
  if (existsSync(pyenv)) {
    for (const version of readdirSync(pyenv)
      .filter((name) => name.startsWith("2.7"))
      .sort()
      .reverse()) {
      candidates.push(`${pyenv}/${version}/bin/python2.7`);
    }
  }
  for (const candidate of candidates) {
    const found = existsSync(candidate) ? probePython(candidate, "2.7") : null;
    if (found) return found;
  }
  return null;
}

export function findPython3(): Interpreter | null {
  const candidate = which("python3");
  return candidate ? probePython(candidate, "3.") : null;
}

function xinetdVersion(path: string): string {
  const { stdout, stderr } = run([path, "-version"]);
  return ((stdout.trim() || stderr.trim()).split("\n")[0] ?? "").replace(/^xinetd Version\s*/i, "");
}

export function discoverTools(): Tools {
  const node = which("node");
  const xinetd = which("xinetd");
  return {
    python2: findPython2(),
    python3: findPython3(),
    node: node ? { path: node, version: run([node, "--version"]).stdout.trim() } : null,
    xinetd: xinetd ? { path: xinetd, version: xinetdVersion(xinetd) } : null,
  };
}
