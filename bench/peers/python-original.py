# The Python original (Fredrik Lundh, "Python Standard Library", example 7-6), ported to run under Python 2.7 and 3.
#
# Usage: python python-original.py PORT
#
# Faithful on purpose: one listening socket, listen(1), select() with a 1.0 s timeout, one accept per
# select, a printed line per connection and per idle second, 4 bytes, close. The bench measures it as is,
# including what listen(1) does under concurrent load (dropped handshakes, connections never answered).
# The port is an argument instead of the constant 8037 so that the bench can pick a free one.
from __future__ import print_function

import select
import socket
import sys
import time

PORT = int(sys.argv[1])

TIME1970 = 2208988800

service = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# The one deviation from the original: SO_REUSEADDR, so that a rerun can bind while the last run's
# connections sit in TIME_WAIT on this port (the server closes first).
service.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
service.bind(("", PORT))
service.listen(1)

print("listening on port", PORT)

while 1:
    is_readable = [service]
    is_writable = []
    is_error = []
    r, w, e = select.select(is_readable, is_writable, is_error, 1.0)
    if r:
        channel, info = service.accept()
        print("connection from", info)
        t = int(time.time()) + TIME1970
        # The original's four chr() calls, as a bytearray: the same 4 bytes as str on 2.7 and as bytes on 3.
        t = bytearray([t >> 24 & 255, t >> 16 & 255, t >> 8 & 255, t & 255])
        channel.send(bytes(t))  # send timestamp
        channel.close()  # disconnect
    else:
        print("still waiting")
