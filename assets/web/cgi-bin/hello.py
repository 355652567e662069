"""GET /cgi-bin/hello.py: count the visit in Redis and show which instance answered.

Reads from the config: REDIS_HOST, REDIS_PORT, REDIS_TLS ("true" for TLS), REDIS_TLS_CA_FILE (optional: trust
this CA instead of the system bundle), REDIS_AUTH_TOKEN (optional), COUNTER_KEY, INSTANCE_ID.

A visit gets a random id and is counted by one Lua script (EVAL, atomic): SET COUNTER_KEY:visit:<id> NX EX 30;
if the marker was new, INCR COUNTER_KEY and show the new value, else (an earlier attempt of this visit counted it
and its reply was lost) show the counter's current value without counting. When an attempt fails on a connection
error or a timeout (e.g. a failover closed the connection to the old primary), the pool's idle connections are
closed and the same visit, with the same id, is sent once more on a new connection. An error reply (READONLY,
NOAUTH, WRONGPASS, ...) is not retried. Each attempt gives up after 1 s without an answer (to connect, then at each
step: TLS handshake, AUTH, the reply); a visit makes two attempts at most, and the page is 503 when both fail or on
an error reply. What this guarantees:
- a visit is counted at most once: its attempts run the same script with the same marker, and the marker lives
  30 s, far longer than a visit's two attempts;
- a visit answered 200 is counted exactly once (by this attempt or by an earlier one whose reply was lost);
- a visit answered 503 is counted once or not at all: the counter exceeds the 200s by one per 503 whose script
  ran but whose replies were all lost.
This holds on the data Redis keeps: a write the old primary acknowledged but had not replicated when it failed is
lost with it (replication is asynchronous), and so is its marker, so a retry counts the visit on the new primary.
HEAD reads the counter (GET, retried the same way) and counts nothing.
"""
import html
import os
import sys
import threading

from redis_client import Pool, RedisConnectionError, RedisError, RedisTimeout

_lock = threading.Lock()
_pool = None
ERROR_PAGE = b"<html><body><p>The counter is unavailable, please retry.</p></body></html>\n"
TIMEOUT_SECONDS = 1.0
MARKER_SECONDS = 30
# KEYS[1]: the counter, KEYS[2]: the visit's marker; ARGV[1]: the marker's lifetime in seconds.
COUNT_VISIT = """
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then
  return redis.call('INCR', KEYS[1])
end
return tonumber(redis.call('GET', KEYS[1]) or '0')
"""


def _redis(conf):
    """One connection pool per process; endpoint, TLS and AUTH come from the config."""
    global _pool
    with _lock:
        if _pool is None:
            _pool = Pool(
                host=conf.get("REDIS_HOST") or "127.0.0.1",
                port=int(conf.get("REDIS_PORT") or 6379),
                password=conf.get("REDIS_AUTH_TOKEN") or None,
                tls=conf.get("REDIS_TLS", "").lower() == "true",
                ca_file=conf.get("REDIS_TLS_CA_FILE") or None,
                connect_timeout=TIMEOUT_SECONDS,
                timeout=TIMEOUT_SECONDS,
            )
    return _pool


def _twice(pool, send):
    """send(fresh=False); on a connection error or a timeout, closes the idle connections and calls send(fresh=True).

    An error reply (RedisReplyError) or a second failure raises.
    """
    try:
        return send(False)
    except (RedisConnectionError, RedisTimeout) as exc:
        sys.stderr.write("hello: retrying on a new connection after %s: %s\n" % (type(exc).__name__, exc))
    pool.close_idle()
    return send(True)


def handle(conf, head=False):
    key = conf.get("COUNTER_KEY") or "webtier:hello:counter"
    marker = "%s:visit:%s" % (key, os.urandom(16).hex())
    try:
        pool = _redis(conf)
        if head:
            count = int(_twice(pool, lambda fresh: pool.execute("GET", key, fresh=fresh)) or 0)
        else:
            count = int(_twice(pool, lambda fresh: pool.eval(COUNT_VISIT, [key, marker], [MARKER_SECONDS], fresh=fresh)))
    except RedisError as exc:
        sys.stderr.write("hello: redis unavailable: %s: %s\n" % (type(exc).__name__, exc))
        return 503, "text/html; charset=utf-8", ERROR_PAGE
    body = ("<html><body>\n<h1>Hello World!</h1>\n<p>Counter: %d</p>\n<p>Id: %s</p>\n</body></html>\n"
            % (count, html.escape(conf.get("INSTANCE_ID") or "unknown")))
    return 200, "text/html; charset=utf-8", body.encode()
