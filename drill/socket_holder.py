#!/usr/bin/env python3
"""The drill's stand-in for systemd's webtier.socket + webtier.service (Restart=always).

  socket_holder.py --port PORT --restart-sec S --max-restarts N -- COMMAND...

Binds 127.0.0.1:PORT (backlog 1024) and keeps the listening socket for as long as it runs; starts COMMAND with it
as fd 3 (LISTEN_FDS=1, LISTEN_PID = the command's pid), as systemd's socket activation does, and starts it again
S seconds after every exit. While the command is down, connections wait in the kernel's queue.
SIGTERM (systemctl stop): passes SIGTERM to the command, waits for it, exits without restarting it.
Events go to stdout as JSON lines: {"event": "started"|"exited"|"gave-up", "pid": ..., "code": ...}.
The command dies with the holder (PR_SET_PDEATHSIG), as services die with their machine.
"""
import argparse
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import threading

PR_SET_PDEATHSIG = 1


def emit(**event):
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--restart-sec", type=float, default=1.0)
    parser.add_argument("--max-restarts", type=int, default=10)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(1024)
    libc = ctypes.CDLL(None, use_errno=True)

    def as_fd3():
        os.dup2(listener.fileno(), 3)  # dup2 leaves fd 3 inheritable
        os.environ["LISTEN_FDS"] = "1"
        os.environ["LISTEN_PID"] = str(os.getpid())
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)

    stopping = threading.Event()
    child = [None]

    def on_term(*_):
        stopping.set()
        if child[0] is not None and child[0].poll() is None:
            child[0].send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    restarts = 0
    while True:
        # env=None: the child's environment is os.environ as as_fd3 left it, LISTEN_PID included.
        child[0] = subprocess.Popen(command, preexec_fn=as_fd3, pass_fds=(listener.fileno(),), close_fds=True)
        emit(event="started", pid=child[0].pid)
        code = child[0].wait()
        emit(event="exited", pid=child[0].pid, code=code)
        if stopping.is_set():
            return 0
        if restarts >= args.max_restarts:
            emit(event="gave-up", restarts=restarts)
            return 1
        restarts += 1
        if stopping.wait(args.restart_sec):
            return 0


if __name__ == "__main__":
    sys.exit(main())
