# A stand-in for systemd's notify socket: bind an AF_UNIX datagram socket (a path, or "@name" for an abstract one), print "bound", then each datagram as one JSON line.
import json
import socket
import sys

address = sys.argv[1]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind("\0" + address[1:] if address.startswith("@") else address)
print("bound", flush=True)
while True:
    data = sock.recv(4096)
    print(json.dumps(data.decode("utf-8", "replace")), flush=True)
