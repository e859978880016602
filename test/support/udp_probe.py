"""Was a datagram from SOURCE answered? Decided without waiting out a timeout, using the server's FIFO order.

usage: udp_probe.py HOST PORT PROBE_ADDRESS SOURCE [SOURCE...]   SOURCE: ADDRESS:PORT or [ADDRESS]:PORT (port 0: any)
For each SOURCE: send one datagram from a socket bound there, then one from PROBE_ADDRESS (an IPv4 one moves
up by one for each SOURCE, so a per-source rate limit never refuses a probe), and wait for the probe's reply.
The server answers its queue in order, and a loopback reply is queued at once, so any reply to SOURCE is
waiting in its socket by then. Prints a JSON list: true for each SOURCE that was answered.
"""
import ipaddress, json, socket, sys

HANG_GUARD_S = 10  # only turns a probe that is never answered into an error

host, port, probe_address = sys.argv[1], int(sys.argv[2]), sys.argv[3]
family = socket.AF_INET6 if ":" in host else socket.AF_INET
answered = []
for i, source in enumerate(sys.argv[4:]):
    address, source_port = source.rsplit(":", 1)
    sender = socket.socket(family, socket.SOCK_DGRAM)
    sender.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sender.bind((address.strip("[]"), int(source_port)))
    sender.sendto(b"", (host, port))
    probe = socket.socket(family, socket.SOCK_DGRAM)
    probe.bind((str(ipaddress.ip_address(probe_address) + (i if family == socket.AF_INET else 0)), 0))
    probe.settimeout(HANG_GUARD_S)
    probe.sendto(b"", (host, port))
    probe.recvfrom(16)
    sender.setblocking(False)
    try:
        answered.append(len(sender.recv(16)) == 4)
    except BlockingIOError:
        answered.append(False)
    sender.close()
    probe.close()
print(json.dumps(answered))
