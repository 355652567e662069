"""A small Redis client on the standard library (socket + ssl): RESP2, AUTH and any command (GET, EVAL, ...).

No dependency to install at boot. Each command has a deadline (connect, then reply). The client itself never
retries: whether a command may be sent again is the caller's choice (hello.py sends a visit again only because its
script is idempotent). A connection that saw any error is closed, never reused, so the next command connects again
(to whatever the endpoint name points at now, e.g. the new primary after a failover); `Pool.close_idle` drops the
idle ones too, and `fresh=True` sends a command on a new connection.
With TLS, the server certificate is verified against the system CA bundle (or `ca_file`) and must name the host.
"""
import select
import socket
import ssl
import threading


class RedisError(Exception):
    """Anything that kept a command from getting its reply."""


class RedisConnectionError(RedisError):
    """Could not connect, authenticate or verify the server's certificate; or the connection broke."""


class RedisTimeout(RedisError):
    """No reply within the deadline. The command may or may not have run on the server."""


class RedisReplyError(RedisError):
    """The server answered with an error (wrong token, READONLY replica, ...)."""


def encode(*args):
    """A command as a RESP array of bulk strings."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        b = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


def read_reply(f):
    """One RESP2 reply from a buffered binary file."""
    line = f.readline(65536)
    if not line.endswith(b"\r\n"):
        raise RedisConnectionError("connection closed by the server" if not line else "malformed reply")
    kind, rest = line[:1], line[1:-2]
    if kind == b"+":
        return rest.decode()
    if kind == b"-":
        raise RedisReplyError(rest.decode(errors="replace"))
    if kind == b":":
        return int(rest)
    if kind == b"$":
        n = int(rest)
        if n < 0:
            return None
        data = f.read(n + 2)
        if len(data) != n + 2:
            raise RedisConnectionError("connection closed in the middle of a reply")
        return data[:-2].decode()
    if kind == b"*":
        n = int(rest)
        return None if n < 0 else [read_reply(f) for _ in range(n)]
    raise RedisConnectionError("unknown reply type %r" % kind)


class Connection:
    def __init__(self, host, port, password=None, tls=False, ca_file=None, connect_timeout=1.0, timeout=1.0):
        self.timeout = timeout
        try:
            sock = socket.create_connection((host, port), timeout=connect_timeout)
        except socket.timeout:
            raise RedisTimeout("no connection to %s:%s within %ss" % (host, port, connect_timeout))
        except OSError as exc:
            raise RedisConnectionError("cannot connect to %s:%s: %s" % (host, port, exc))
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if tls:
                # create_default_context: CERT_REQUIRED and check_hostname; the system CA bundle unless ca_file.
                context = ssl.create_default_context(cafile=ca_file or None)
                sock = context.wrap_socket(sock, server_hostname=host)
            self.sock = sock
            self.file = sock.makefile("rb")
            self.sock.settimeout(timeout)
            if password:
                self.command("AUTH", password)
        except socket.timeout:
            sock.close()
            raise RedisTimeout("no TLS handshake or AUTH reply from %s:%s within %ss" % (host, port, timeout))
        except (ssl.SSLError, ssl.CertificateError, OSError) as exc:
            sock.close()
            raise RedisConnectionError("TLS to %s:%s: %s" % (host, port, exc))
        except RedisError:
            sock.close()
            raise

    def command(self, *args):
        """Sends one command and reads its reply. Any failure closes the connection."""
        try:
            self.sock.sendall(encode(*args))
            return read_reply(self.file)
        except socket.timeout:
            self.close()
            raise RedisTimeout("no reply to %s within %ss" % (args[0], self.timeout))
        except OSError as exc:
            self.close()
            raise RedisConnectionError("%s: %s" % (args[0], exc))
        except RedisError:
            self.close()
            raise

    def stale(self):
        """Whether the idle connection has something to read: the server closed it (or sent garbage)."""
        try:
            return bool(select.select([self.sock], [], [], 0)[0])
        except (OSError, ValueError):
            return True

    def close(self):
        self.closed = True
        for c in (getattr(self, "file", None), getattr(self, "sock", None)):
            try:
                if c is not None:
                    c.close()
            except OSError:
                pass

    closed = False


class Pool:
    """Idle connections kept for reuse, at most `max_idle`. Thread-safe."""

    def __init__(self, max_idle=64, **connect_args):
        self.connect_args = connect_args
        self.max_idle = max_idle
        self._idle = []
        self._lock = threading.Lock()

    def close_idle(self):
        """Closes every idle connection, e.g. after a failover: they may all point at the old primary."""
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def eval(self, script, keys, args, fresh=False):
        """EVAL of a Lua script with its KEYS and ARGV."""
        return self.execute("EVAL", script, len(keys), *keys, *args, fresh=fresh)

    def execute(self, *args, fresh=False):
        """Sends one command, on an idle connection (unless `fresh`) or a new one, and returns its reply."""
        conn = None
        with self._lock:
            while not fresh and self._idle and conn is None:
                conn = self._idle.pop()
                if conn.stale():
                    conn.close()
                    conn = None
        if conn is None:
            conn = Connection(**self.connect_args)
        reply = conn.command(*args)
        with self._lock:
            if len(self._idle) < self.max_idle:
                self._idle.append(conn)
                return reply
        conn.close()
        return reply
