// The direction of dependencies: native/ below src/, policy and logging below the hot path, the CLI and operations; no cycles.
import { describe, expect, test } from "bun:test";
import { findCycles, forbiddenImports, importGraph, importsOf, type ImportGraph } from "../support/import-graph.ts";
import { useSuiteTimeout } from "../support/suite-timeout.ts";

useSuiteTimeout();

const ROOT = new URL("../..", import.meta.url).pathname;
const graph = importGraph(ROOT, ["src", "native"]);
const ABOVE_POLICY = [
  "src/core/",
  "src/cli/",
  "src/ops/",
  "src/client/",
  "src/embedding/",
  "src/time-server.ts",
  "src/server.ts",
  "src/client.ts",
];

describe("the import graph of src/ and native/", () => {
  test("is read: every folder of the layout is in it, with its imports", () => {
    for (const folder of [
      "native/",
      "src/base/",
      "src/core/",
      "src/policy/",
      "src/logging/",
      "src/ops/",
      "src/cli/",
      "src/client/",
      "src/metrics/",
      "src/embedding/",
    ]) {
      expect([...graph.keys()].some((file) => file.startsWith(folder))).toBe(true);
    }
    expect(graph.get("src/core/tcp-service.ts")).toContain("native/index.ts");
  });

  test("native/ imports nothing from src/", () => {
    expect(forbiddenImports(graph, "native/", ["src/"])).toEqual([]);
  });

  test("src/ reaches native/ only through its public surface (and the platform check, which must load before libc)", () => {
    expect(forbiddenImports(graph, "src/", ["native/"], ["native/index.ts", "native/platform.ts"])).toEqual([]);
  });

  test("policy/ and logging/ never import the hot path, the CLI, operations, the client or the entries", () => {
    expect(forbiddenImports(graph, "src/policy/", ABOVE_POLICY)).toEqual([]);
    expect(forbiddenImports(graph, "src/logging/", [...ABOVE_POLICY, "src/policy/"])).toEqual([]);
  });

  test("base/ imports nothing else of src/; the hot path never imports the CLI, operations or the client", () => {
    expect(forbiddenImports(graph, "src/base/", [...ABOVE_POLICY, "src/policy/", "src/logging/"])).toEqual([]);
    expect(
      forbiddenImports(graph, "src/core/", [
        "src/cli/",
        "src/ops/",
        "src/client/",
        "src/embedding/",
        "src/time-server.ts",
      ]),
    ).toEqual([]);
  });

  test("metrics/ sits above the hot path: core/ never imports it, and it never imports the CLI, operations, the client or the entries", () => {
    expect(forbiddenImports(graph, "src/core/", ["src/metrics/"])).toEqual([]);
    expect(
      forbiddenImports(graph, "src/metrics/", [
        "src/cli/",
        "src/ops/",
        "src/client/",
        "src/embedding/",
        "src/time-server.ts",
        "src/server.ts",
        "src/client.ts",
      ]),
    ).toEqual([]);
  });

  test("operations and the library API never import the command line", () => {
    expect(forbiddenImports(graph, "src/ops/", ["src/cli/", "src/server.ts"])).toEqual([]);
    expect(
      forbiddenImports(graph, "src/time-server.ts", ["src/cli/", "src/ops/", "src/server.ts", "src/embedding/"]),
    ).toEqual([]);
    expect(forbiddenImports(graph, "src/embedding/", ["src/cli/", "src/ops/", "src/server.ts"])).toEqual([]);
  });

  test("has no import cycle, type-only imports included", () => {
    expect(findCycles(graph)).toEqual([]);
  });
});

describe("the checks themselves", () => {
  test("importsOf sees type-only, re-export, side-effect and dynamic imports", () => {
    const text = [
      'import type { A } from "./a.ts";',
      'export { b } from "../b.ts";',
      'import "./c.ts";',
      'const d = await import("./d/d.ts");',
      'import { e } from "bun:ffi";',
    ].join("\n");
    expect(importsOf("src/x/y.ts", text)).toEqual(["src/x/a.ts", "src/b.ts", "src/x/c.ts", "src/x/d/d.ts"]);
  });

  test("findCycles finds a two-file type-only cycle and a longer one", () => {
    const cyclic: ImportGraph = new Map([
      ["log.ts", ["json.ts"]],
      ["json.ts", ["log.ts"]],
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts"]],
    ]);
    expect(findCycles(cyclic)).toEqual([
      ["log.ts", "json.ts", "log.ts"],
      ["a.ts", "b.ts", "c.ts", "a.ts"],
    ]);
  });

  test("forbiddenImports reports a policy file that imports the hot path", () => {
    const graph: ImportGraph = new Map([["src/policy/admission.ts", ["src/core/listeners.ts", "src/logging/log.ts"]]]);
    expect(forbiddenImports(graph, "src/policy/", ["src/core/"])).toEqual([
      "src/policy/admission.ts -> src/core/listeners.ts",
    ]);
  });
});
