// A stand-in for systemd's socket activation: a Python wrapper binds sockets, moves them to fd 3 onwards, sets LISTEN_* and execs the server.

/** What the wrapper puts at fd 3, 4, ...: a listening TCP socket, a UDP socket, a TCP socket never listened on, or /dev/null. */
export type PassedFd = "tcp" | "udp" | "tcp-unlistened" | "file";

const WRAPPER = `
import os, socket, sys
kinds, host, port, listen_pid = sys.argv[1].split(","), sys.argv[2], int(sys.argv[3]), sys.argv[4]
family = socket.AF_INET6 if ":" in host else socket.AF_INET
passed = []
for kind in kinds:
    if kind == "file":
        passed.append(open("/dev/null"))
        continue
    s = socket.socket(family, socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM)
    s.bind((host, port))
    if kind == "tcp":
        s.listen(64)
    passed.append(s)
# Copies above fd 3 + n first, so that moving one into place never closes another still to be moved.
copies = [os.dup(p.fileno()) for p in passed]
for i, fd in enumerate(copies):
    os.dup2(fd, 3 + i)  # the new fd is inheritable: it survives exec, as systemd's do
    os.close(fd)
os.environ["LISTEN_FDS"] = str(len(passed))
os.environ["LISTEN_PID"] = str(os.getpid()) if listen_pid == "self" else listen_pid
os.environ["LISTEN_FDNAMES"] = ":".join(kinds)
os.execvp(sys.argv[5], sys.argv[5:])
`;

export interface ActivationOptions {
  host?: string;
  /** The port to bind the passed sockets to (0: any; several sockets need a fixed one). */
  port: number;
  /** LISTEN_PID: "self" names the exec'd server (the wrapper keeps its pid through exec), else a pid. */
  listenPid?: "self" | number;
  /** Run between the wrapper and the server, e.g. ["unshare", "--net", "--"]: it must exec, not fork. */
  via?: string[];
}

/** The command prefix that passes `fds` to whatever command follows it. */
export function activationWrapper(fds: PassedFd[], options: ActivationOptions): string[] {
  const { host = "127.0.0.1", port, listenPid = "self", via = [] } = options;
  return ["python3", "-c", WRAPPER, fds.join(","), host, String(port), String(listenPid), ...via];
}
