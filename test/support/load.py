"""Load generator for the hardening tests: well-behaved and hostile RFC 868 clients, many in flight, one JSON summary.

usage: load.py PORT KIND=COUNT[,KIND=COUNT...] [--concurrency N] [--hold]
Prints "opened" once every request of the first wave has done its opening step (connected and written,
reset, half-closed, or sent), then one JSON line: {"kinds": {kind: {outcome: n}}, "seconds": s, "leaked": n}.
--hold: then keep the never-read connections open until stdin closes.
"""
import errno, json, os, random, resource, selectors, socket, struct, sys, time

EPOCH_1900 = 2208988800
HANG_GUARD_S = 20  # not a performance limit: a request stuck this long is reported as "timeout", not waited on forever
GUARD_PORTS = (7, 9, 13, 19, 37)

port, spec = int(sys.argv[1]), sys.argv[2]
concurrency = int(sys.argv[sys.argv.index("--concurrency") + 1]) if "--concurrency" in sys.argv else 64
hold = "--hold" in sys.argv
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

todo = [kind for part in spec.split(",") for kind, n in [part.split("=")] for _ in range(int(n))]
random.Random(868).shuffle(todo)
results, held, sel = {}, [], selectors.DefaultSelector()
# Hostile UDP senders, shared, made only when asked for: bound to the guarded small-service ports (root), or to a --deny'd address.
hostile_udp = {"udp_loop": [("127.0.0.1", p) for p in GUARD_PORTS], "udp_denied": [("127.0.0.2", 0)]}
for kind, addresses in hostile_udp.items():
    hostile_udp[kind] = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in addresses] if kind in todo else []
    for s, address in zip(hostile_udp[kind], addresses): s.bind(address); s.setblocking(False)


def record(kind, outcome):
    results.setdefault(kind, {}).setdefault(outcome, 0)
    results[kind][outcome] += 1


def judge(data, sent_at):
    """ok: exactly 4 bytes carrying a second between the request and the reply; empty: nothing; else wrong."""
    if not data: return "empty"
    if len(data) != 4: return "wrong"
    value = struct.unpack(">I", data)[0]
    return "ok" if int(sent_at) + EPOCH_1900 <= value <= int(time.time()) + EPOCH_1900 else "wrong"


class Request:
    def __init__(self, kind, in_wave):
        self.kind, self.data, self.started, self.in_wave, self.opened, self.done = kind, b"", time.time(), in_wave, False, False
        udp = kind.startswith("udp")
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if udp else socket.SOCK_STREAM)
        self.sock.setblocking(False)
        if kind == "tcp_denied": self.sock.bind(("127.0.0.2", 0))
        active.add(self)
        if udp:
            if kind in hostile_udp:  # the hostile datagram, then this socket's well-behaved probe after it
                random.choice(hostile_udp[kind]).sendto(b"x", ("127.0.0.1", port)); record(kind, "sent")
                self.kind = "udp_probe"
            self.sock.sendto(b"\0" * random.choice((0, 0, 1, 48)), ("127.0.0.1", port))
            sel.register(self.sock, selectors.EVENT_READ, self); self.open()
        else:
            self.sock.connect_ex(("127.0.0.1", port))
            sel.register(self.sock, selectors.EVENT_WRITE, self)

    def open(self):
        global unopened
        self.opened = True
        if self.in_wave: unopened -= 1

    def finish(self, outcome, close=True):
        sel.unregister(self.sock); record(self.kind, outcome); self.done = True; active.discard(self)
        if close: self.sock.close()

    def ready(self):
        if self.opened: return self.receive()
        self.open()
        err = self.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err: return self.finish("error_" + errno.errorcode.get(err, str(err)))
        if self.kind == "tcp_reset":  # SO_LINGER 0: close() sends RST before the server has read anything
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)); return self.finish("sent")
        if self.kind == "tcp_noread":
            self.finish("held", close=False); held.append(self.sock)
            if not hold and len(held) > 512: held.pop(0).close()
            return
        if self.kind == "tcp_write_first": self.sock.send(b"GET / HTTP/1.0\r\n\r\n" * 8)
        if self.kind == "tcp_half_close": self.sock.shutdown(socket.SHUT_WR)
        sel.modify(self.sock, selectors.EVENT_READ, self)

    def receive(self):
        try:
            chunk = self.sock.recv(64)
        except ConnectionResetError:
            return self.finish("reset")
        if self.kind.startswith("udp"): return self.finish(judge(chunk, self.started))
        if chunk: self.data += chunk
        else: self.finish(judge(self.data, self.started))


active, started_at, checked_at = set(), time.time(), time.time()
unopened = min(concurrency, len(todo))
for _ in range(unopened): Request(todo.pop(), True)
while active or todo:
    while todo and len(active) < concurrency: Request(todo.pop(), False)
    for key, _ in sel.select(timeout=1): key.data.ready()
    if unopened == 0: print("opened", flush=True); unopened = -1
    if time.time() - checked_at >= 1:
        checked_at = time.time()
        for r in [r for r in active if checked_at - r.started > HANG_GUARD_S]: r.finish("timeout")

leaked = 0  # a reply to a hostile datagram would have come before the reply to the probe sent after it
for s in hostile_udp["udp_loop"] + hostile_udp["udp_denied"]:
    try:
        while s.recv(64) is not None: leaked += 1
    except BlockingIOError:
        pass
print(json.dumps({"kinds": results, "seconds": round(time.time() - started_at, 3), "leaked": leaked}), flush=True)
if hold: sys.stdin.read()
for s in held: s.close()
