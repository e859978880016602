// The servers the bench compares, each with how to start it on a given loopback port; only those this machine can run.
import { writeFileSync } from "node:fs";
import { LARGE_LIST_ENTRIES, allowListConfig } from "./allow-list.ts";
import type { Tools } from "./discover.ts";
import { xinetdConfig } from "./xinetd-conf.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const BENCH = `${ROOT}bench/`;

/** this: the server under test; python: the original; runtime: the JS runtimes' own sockets; c-class: C servers. */
export type PeerKind = "this" | "python" | "runtime" | "c-class";

export interface LaunchSpec {
  argv: string[];
  /** Replaces the environment (the bench's own minus what `unset` names). */
  unset?: string[];
}

export interface PeerSpec {
  /** For --only and the tables. */
  name: string;
  label: string;
  kind: PeerKind;
  udp: boolean;
  /** A variant of this server (kind "this") judged only against this peer: the same server without the variant's feature. */
  baseline?: string;
  /** How to start it on `port`; `dir` is a private temp dir for config and logs. */
  launch(port: number, dir: string): LaunchSpec;
}

export interface PeerInputs {
  tools: Tools;
  cSelect: string | null;
  cMmsg: string | null;
  /** Whether this server has --udp (checked from its --help). */
  serverHasUdp: boolean;
}

/** Whether `bun run src/server.ts --help` lists --udp: UDP rows for this server only when it does. */
export function serverHasUdp(): boolean {
  const help = Bun.spawnSync([process.execPath, `${ROOT}src/server.ts`, "--help"], { stdout: "pipe", stderr: "pipe" });
  return help.exitCode === 0 && /^\s*--udp\b/m.test(help.stdout.toString());
}

/** This server (`bun run src/server.ts`) as a peer, with `extra` flags (or a function of its private dir giving them). */
export function thisServer(
  name: string,
  label: string,
  extra: string[] | ((dir: string) => string[]),
  udp: boolean,
): PeerSpec {
  return {
    name,
    label,
    kind: "this",
    udp,
    launch: (port, dir) => ({
      argv: [
        process.execPath,
        `${ROOT}src/server.ts`,
        "--host",
        "127.0.0.1",
        "--port",
        String(port),
        ...(udp ? ["--udp"] : []),
        ...(typeof extra === "function" ? extra(dir) : extra),
      ],
    }),
  };
}

/** This server --quiet with a 100,000-entry --allow list in a --config file: the cost of the access check at that size. */
function serverWithLargeAllowList(udp: boolean): PeerSpec {
  const config = (dir: string) => {
    writeFileSync(`${dir}/allow.toml`, allowListConfig());
    return ["--quiet", "--config", `${dir}/allow.toml`];
  };
  const label = `this server --quiet, ${LARGE_LIST_ENTRIES.toLocaleString("en-US")}-entry --allow list`;
  return { ...thisServer("server-allow-100k", label, config, udp), baseline: "server-quiet" };
}

function pythonOriginal(name: string, python: string, version: string): PeerSpec {
  return {
    name,
    label: `Python ${version} original`,
    kind: "python",
    udp: false,
    // PYTHONUNBUFFERED makes every print a write(2): the original as its users run it is block-buffered.
    launch: (port) => ({
      argv: [python, `${BENCH}peers/python-original.py`, String(port)],
      unset: ["PYTHONUNBUFFERED"],
    }),
  };
}

/** Every peer this machine can run, this server first. */
export function peerCatalog({ tools, cSelect, cMmsg, serverHasUdp: udp }: PeerInputs): PeerSpec[] {
  const peers: PeerSpec[] = [
    thisServer("server", "this server (seed logging to a file)", [], udp),
    thisServer("server-quiet", "this server --quiet", ["--quiet"], udp),
    // The cost of --metrics on the hot path: the same as server-quiet plus an (unscraped) metrics listener in its select().
    thisServer("server-metrics", "this server --quiet --metrics", ["--quiet", "--metrics", "127.0.0.1:0"], udp),
    // Issue 16: the same load as server-quiet through the access check of a 100,000-entry list.
    serverWithLargeAllowList(udp),
  ];
  if (tools.python2) peers.push(pythonOriginal("python2.7", tools.python2.path, tools.python2.version));
  if (tools.python3) peers.push(pythonOriginal("python3", tools.python3.path, tools.python3.version));
  peers.push({
    name: "bun",
    label: `Bun.listen / Bun.udpSocket (Bun ${Bun.version})`,
    kind: "runtime",
    udp: true,
    launch: (port) => ({ argv: [process.execPath, `${BENCH}peers/bun-peer.ts`, String(port)] }),
  });
  if (tools.node) {
    const node = tools.node;
    peers.push({
      name: "node",
      label: `node:net / node:dgram (Node ${node.version})`,
      kind: "runtime",
      udp: true,
      launch: (port) => ({ argv: [node.path, `${BENCH}peers/node-peer.mjs`, String(port)] }),
    });
  }
  if (tools.xinetd) {
    const xinetd = tools.xinetd;
    peers.push({
      name: "xinetd",
      label: `xinetd ${xinetd.version.split(" ")[0]} internal time service`,
      kind: "c-class",
      udp: true,
      launch: (port, dir) => {
        const conf = `${dir}/xinetd.conf`;
        writeFileSync(conf, xinetdConfig(port, `${dir}/xinetd.log`));
        return { argv: [xinetd.path, "-dontfork", "-f", conf, "-pidfile", `${dir}/xinetd.pid`] };
      },
    });
  }
  for (const [name, binary, what] of [
    ["c-select", cSelect, "select"],
    ["c-mmsg", cMmsg, "select, recvmmsg/sendmmsg for UDP"],
  ] as const) {
    if (binary)
      peers.push({
        name,
        label: `C reference (${what}, bench/peers/${name}.c)`,
        kind: "c-class",
        udp: true,
        launch: (port) => ({ argv: [binary, "127.0.0.1", String(port)] }),
      });
  }
  return peers;
}

/** Peers that are not this server: the ones "best peer" ratios compare against. */
export function otherPeers<T extends { spec: PeerSpec }>(peers: readonly T[]): T[] {
  return peers.filter((peer) => peer.spec.kind !== "this");
}
