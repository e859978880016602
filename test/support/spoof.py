"""Send one UDP datagram per SOURCE to a loopback port through a raw socket, forging the source (needs root).

usage: spoof.py DST_PORT SOURCE [SOURCE...]   where SOURCE is ADDRESS:PORT (IPv4) or [ADDRESS]:PORT (IPv6)
IPv4 goes to 127.0.0.1, IPv6 to ::1. Linux delivers these on loopback: a packet sent through lo keeps
its output route and skips the martian-source checks of the input path.
"""
import socket, struct, sys


def checksum(data):
    if len(data) % 2: data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16: total = (total & 0xFFFF) + (total >> 16)
    return (~total & 0xFFFF) or 0xFFFF


def datagram(src, dst, sport, dport, family, payload=b"spoofed"):
    length = 8 + len(payload)
    if family == socket.AF_INET:
        pseudo = src + dst + struct.pack("!BBH", 0, socket.IPPROTO_UDP, length)
    else:
        pseudo = src + dst + struct.pack("!I3xB", length, socket.IPPROTO_UDP)
    udp = struct.pack("!HHHH", sport, dport, length, 0) + payload
    udp = udp[:6] + struct.pack("!H", checksum(pseudo + udp)) + udp[8:]
    if family == socket.AF_INET:
        return struct.pack("!BBHHHBBH", 0x45, 0, 20 + length, 0, 0, 64, socket.IPPROTO_UDP, 0) + src + dst + udp
    return struct.pack("!IHBB", 6 << 28, length, socket.IPPROTO_UDP, 64) + src + dst + udp


dport = int(sys.argv[1])
for source in sys.argv[2:]:
    address, sport = source.rsplit(":", 1)
    family = socket.AF_INET6 if address.startswith("[") else socket.AF_INET
    address = address.strip("[]")
    dst = "::1" if family == socket.AF_INET6 else "127.0.0.1"
    raw = socket.socket(family, socket.SOCK_RAW, socket.IPPROTO_RAW)
    packet = datagram(socket.inet_pton(family, address), socket.inet_pton(family, dst), int(sport), dport, family)
    raw.sendto(packet, (dst, 0))
    raw.close()
