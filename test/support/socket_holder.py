# A stand-in for a socket unit: hold a listening TCP socket, start the server on it (fd 3, LISTEN_FDS) when a client waits, start it again after it exits; print each event.
import os
import select
import socket
import subprocess
import sys

listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.bind(("127.0.0.1", 0))
listener.listen(64)
print("port", listener.getsockname()[1], flush=True)
command = sys.argv[1:]


def set_listen_pid():
    # In the child, before exec: LISTEN_PID must name the server itself.
    os.environ["LISTEN_PID"] = str(os.getpid())


child = None
while True:
    if child is None:
        select.select([listener], [], [])  # a client waits: what systemd's socket unit reacts to
        os.dup2(listener.fileno(), 3)
        os.set_inheritable(3, True)
        os.environ.update(LISTEN_FDS="1", LISTEN_FDNAMES="tcp")
        child = subprocess.Popen(command, pass_fds=(3,), preexec_fn=set_listen_pid, stdout=sys.stderr)
        print("started", child.pid, flush=True)
    else:
        print("exited", child.wait(), flush=True)
        child = None
