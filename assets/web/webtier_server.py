#!/usr/bin/env python3
"""webtier HTTP server: /cgi-bin/hello.py (Redis visit counter) and /cgi-bin/ping.py (health).

Standard library only (Python 3.9+, Amazon Linux 2023's python3). What keeps requests from failing:
- HTTP/1.1 keep-alive; an idle connection is closed after KEEPALIVE_IDLE_SECONDS (65 s), longer than the
  ALB's 60 s idle timeout, so the load balancer always closes first and never reuses a connection we are closing;
- a listen backlog of LISTEN_BACKLOG (1024): a burst waits in the kernel instead of being refused;
- at most MAX_WORKERS connections served at once (one thread each); more wait in the backlog;
- a request's line and headers must arrive within HEADER_TIMEOUT_SECONDS in all and fit in MAX_HEADER_BYTES;
- a listening socket passed by systemd (socket activation: LISTEN_PID, LISTEN_FDS, fd 3) is used as is, so
  connections queue in the kernel while the process restarts; without one, the server binds WEB_BIND:WEB_PORT;
- SIGTERM (systemctl stop): stop accepting, close idle connections, finish the requests in flight (each answered
  with "Connection: close"), then exit 0. Past STOP_TIMEOUT_SECONDS it exits anyway; TimeoutStopSec must be longer.
"""
import argparse
import http.client
import os
import re
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "cgi-bin"))
import hello  # noqa: E402
import ping  # noqa: E402

ROUTES = {"/cgi-bin/hello.py": hello.handle, "/cgi-bin/ping.py": ping.handle}

KEEPALIVE_IDLE_SECONDS = 65
LISTEN_BACKLOG = 1024
MAX_WORKERS = 256
HEADER_TIMEOUT_SECONDS = 10
MAX_HEADER_BYTES = 16 * 1024
STOP_TIMEOUT_SECONDS = 20
SD_LISTEN_FDS_START = 3


def load_config(path):
    """Read KEY=VALUE lines; values may be bare, '...' or "..." (shell / EnvironmentFile style)."""
    conf = {}
    with open(path) as f:
        for line in f:
            key, sep, value = line.strip().partition("=")
            if not sep or key.startswith("#"):
                continue
            value = value.strip()
            if len(value) > 1 and value[0] == value[-1] == "'":
                value = value[1:-1]
            elif len(value) > 1 and value[0] == value[-1] == '"':
                value = re.sub(r'\\([\\"$`])', r"\1", value[1:-1])
            conf[key.strip()] = value
    return conf


def passed_socket(environ=os.environ):
    """The listening socket systemd passed (socket activation), or None. Only the first one is used."""
    if environ.get("LISTEN_PID") != str(os.getpid()) or int(environ.get("LISTEN_FDS") or 0) < 1:
        return None
    for name in ("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"):
        environ.pop(name, None)
    sock = socket.socket(fileno=SD_LISTEN_FDS_START)
    sock.set_inheritable(False)
    return sock


class _HeaderBudget:
    """Wraps the request's input: the request line and headers together may take MAX_HEADER_BYTES at most."""

    def __init__(self, raw):
        self._raw = raw
        self.left = MAX_HEADER_BYTES

    def readline(self, limit=-1):
        line = self._raw.readline(limit)
        self.left -= len(line)
        if self.left < 0:
            # parse_request answers http.client.LineTooLong with 431 Request Header Fields Too Large.
            raise http.client.LineTooLong("request header section over %d bytes" % MAX_HEADER_BYTES)
        return line

    def __getattr__(self, name):
        return getattr(self._raw, name)


class Handler(BaseHTTPRequestHandler):
    server_version = "webtier"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    # Backstop only: the server's reaper enforces the idle and header deadlines.
    timeout = KEEPALIVE_IDLE_SECONDS + HEADER_TIMEOUT_SECONDS
    requests_served = 0

    def setup(self):
        super().setup()
        self.rfile = _HeaderBudget(self.rfile)

    def handle_one_request(self):
        """One request of a keep-alive connection: wait (idle), read the head (bounded), answer."""
        server = self.server
        try:
            # The first request of a connection is always read; between two requests the connection is idle.
            server.watch(self, KEEPALIVE_IDLE_SECONDS, idle=self.requests_served > 0)
            if not self.rfile.peek(1):
                self.close_connection = True
                return
            server.watch(self, HEADER_TIMEOUT_SECONDS)
            self.rfile.left = MAX_HEADER_BYTES
            try:
                self.raw_requestline = self.rfile.readline(65537)
            except http.client.LineTooLong:
                self.raw_requestline = b"x" * 65537  # answered 414 below
            if len(self.raw_requestline) > 65536:
                self.requestline, self.request_version, self.command = "", "", ""
                self.send_error(414)
                return
            if not self.raw_requestline or not self.parse_request():
                self.close_connection = True
                return
            server.watch(self, None)
            method = getattr(self, "do_" + self.command, None)
            if method is None:
                self.send_error(501, "Unsupported method (%r)" % self.command)
                return
            method()
            self.wfile.flush()
            self.requests_served += 1
        except (OSError, ValueError) as exc:  # timeouts, resets, a socket shut by the reaper
            self.close_connection = True
            if not isinstance(exc, (ConnectionError, socket.timeout, ValueError)):
                self.log_message("connection error: %s: %s", type(exc).__name__, exc)
        finally:
            server.watch(self, None)

    def do_GET(self):
        route = ROUTES.get(self.path.split("?", 1)[0])
        status, ctype, body = 404, "text/plain; charset=utf-8", b"not found\n"
        if route:
            try:
                status, ctype, body = route(self.server.conf, self.command == "HEAD")
            except Exception as exc:  # log it, never send a traceback
                self.log_message("error: %s: %s", type(exc).__name__, exc)
                status, ctype, body = 500, "text/plain; charset=utf-8", b"internal error\n"
        # A body we will not read would be taken for the next request: close after answering.
        if self.headers.get("Content-Length", "0") != "0" or self.headers.get("Transfer-Encoding"):
            self.close_connection = True
        if self.server.stopping.is_set():
            self.close_connection = True
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_HEAD = do_GET


class WebtierServer(HTTPServer):
    """HTTPServer with a bounded pool of connection threads, deadlines, socket activation and a graceful stop."""

    request_queue_size = LISTEN_BACKLOG
    daemon_threads = True

    def __init__(self, address, conf, sock=None):
        self.conf = conf
        self.socket_passed = sock is not None
        self.stopping = threading.Event()
        self._slots = threading.BoundedSemaphore(MAX_WORKERS)
        self._lock = threading.Lock()
        self._deadlines = {}  # handler -> (monotonic deadline, idle)
        self._threads = set()
        if sock is None:
            super().__init__(address, Handler)
        else:
            super().__init__(address, Handler, bind_and_activate=False)
            self.socket = sock
            self.server_address = sock.getsockname()
            self.socket.listen(LISTEN_BACKLOG)  # a passed socket listens already; this only raises its backlog
        threading.Thread(target=self._reap, name="reaper", daemon=True).start()

    def watch(self, handler, seconds, idle=False):
        """Shut `handler`'s connection if it is still in this phase after `seconds` (None: stop watching)."""
        with self._lock:
            if seconds is None:
                self._deadlines.pop(handler, None)
            else:
                self._deadlines[handler] = (time.monotonic() + seconds, idle)
                if idle and self.stopping.is_set():
                    self._deadlines[handler] = (0, idle)

    def _reap(self):
        while True:
            time.sleep(0.25)
            now = time.monotonic()
            with self._lock:
                late = [h for h, (deadline, _) in self._deadlines.items() if deadline <= now]
                for h in late:
                    self._deadlines.pop(h, None)
            for h in late:
                try:
                    h.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def process_request(self, request, client_address):
        # Wait for a free slot; meanwhile new connections wait in the listen backlog.
        while not self._slots.acquire(timeout=0.5):
            if self.stopping.is_set():
                break
        else:
            thread = threading.Thread(target=self._serve, args=(request, client_address), daemon=True)
            with self._lock:
                self._threads.add(thread)
            thread.start()
            return
        self.shutdown_request(request)

    def _serve(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            with self._lock:
                self._threads.discard(threading.current_thread())
            self._slots.release()

    def stop(self, timeout=STOP_TIMEOUT_SECONDS):
        """Stop accepting, close idle connections, wait for the requests in flight (at most `timeout`)."""
        self.stopping.set()
        self.shutdown()  # serve_forever returns: nothing is accepted any more
        if not self.socket_passed:
            # Our own socket dies with us: serve what already waits in its backlog rather than reset it.
            # (A socket from systemd outlives us: what waits in it goes to the next process.)
            self.socket.setblocking(False)
            for _ in range(LISTEN_BACKLOG):
                try:
                    request, client_address = self.socket.accept()
                except OSError:
                    break
                request.setblocking(True)
                self.process_request(request, client_address)
        with self._lock:
            for h, (_, idle) in list(self._deadlines.items()):
                if idle:
                    self._deadlines[h] = (0, idle)
            threads = list(self._threads)
        deadline = time.monotonic() + timeout
        for t in threads:
            t.join(max(0, deadline - time.monotonic()))
        self.server_close()
        return sum(t.is_alive() for t in threads)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", default="/etc/webtier/webtier.conf")
    conf = load_config(parser.parse_args(argv).config)
    address = (conf.get("WEB_BIND") or "0.0.0.0", int(conf.get("WEB_PORT") or 8000))
    sock = passed_socket()
    server = WebtierServer(address, conf, sock)
    host, port = server.server_address[:2]
    sys.stderr.write("webtier_server: %s on %s:%d (%s)\n" % (
        conf.get("INSTANCE_ID"), host, port, "socket from systemd" if sock else "bound itself"))
    sys.stderr.flush()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    loop = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="accept")
    loop.start()
    while not stop.wait(1):
        if not loop.is_alive():
            return 1
    sys.stderr.write("webtier_server: SIGTERM: no new connections, finishing the requests in flight\n")
    sys.stderr.flush()
    unfinished = server.stop()
    sys.stderr.write("webtier_server: stopped (%d requests cut off)\n" % unfinished)
    return 0


if __name__ == "__main__":
    sys.exit(main())
