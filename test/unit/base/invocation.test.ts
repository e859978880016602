// src/base/invocation.ts: the program name for usage lines and the argv that re-runs the program, compiled and from source.
import { describe, expect, test } from "bun:test";
import { isCompiled, programName, selfArgv, type Invocation } from "../../../src/base/invocation.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

/** As Bun reports a compiled executable run as `./rfc868 --port 37`, and a checkout's `bun --smol run src/server.ts --port 37`. */
const compiled: Invocation = {
  main: "/$bunfs/root/rfc868",
  argv0: "./rfc868",
  argv: ["/usr/bin/rfc868", "/$bunfs/root/rfc868", "--port", "37"],
  execPath: "/usr/bin/rfc868",
  execArgv: [],
  cwd: "/srv",
};
const fromSource: Invocation = {
  main: "/home/me/rfc868/src/server.ts",
  argv0: "bun",
  argv: ["/usr/local/bin/bun", "/home/me/rfc868/src/server.ts", "--port", "37"],
  execPath: "/usr/local/bin/bun",
  execArgv: ["--smol"],
  cwd: "/home/me/rfc868",
};

describe("invocation", () => {
  test("only a main module in Bun's embedded file system is compiled", () => {
    expect([
      isCompiled("/$bunfs/root/rfc868"),
      isCompiled("/home/me/$bunfs/x.ts"),
      isCompiled("/$bunfs"),
      isCompiled(Bun.main),
    ]).toEqual([true, false, false, false]);
  });

  test("programName: the executable's own name, or `bun run` and the script relative to the working directory", () => {
    expect(programName(compiled)).toBe("rfc868");
    expect(programName(fromSource)).toBe("bun run src/server.ts");
    expect(programName({ ...fromSource, cwd: "/home/me" })).toBe("bun run rfc868/src/server.ts");
    expect(programName()).toBe("bun run test/unit/base/invocation.test.ts");
  });

  test("selfArgv: the executable as invoked and the user's arguments, or bun, its own flags, the script and the arguments", () => {
    expect(selfArgv(compiled)).toEqual(["./rfc868", "--port", "37"]);
    expect(selfArgv(fromSource)).toEqual([
      "/usr/local/bin/bun",
      "--smol",
      "/home/me/rfc868/src/server.ts",
      "--port",
      "37",
    ]);
    // This process, from source: bun and its flags first (what follows is the test runner's own argv, which depends on how the suite was started).
    expect(selfArgv().slice(0, 1 + process.execArgv.length)).toEqual([process.execPath, ...process.execArgv]);
  });
});
