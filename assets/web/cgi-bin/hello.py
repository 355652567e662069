"""GET /cgi-bin/hello.py: count the visit in Redis and show which instance answered.

Reads from the config: REDIS_HOST, REDIS_PORT, REDIS_TLS ("true" for TLS), REDIS_TLS_CA_FILE (optional: trust
this CA instead of the system bundle), REDIS_AUTH_TOKEN (optional), COUNTER_KEY, INSTANCE_ID.

One visit is one INCR of COUNTER_KEY, sent once and never retried. When Redis cannot be reached, refuses or
does not answer within 1 s (connect: 1 s more at most), the page is 503. A visit whose INCR reached Redis but
whose reply did not come back in time is counted and still answered 503: the counter then exceeds the number
of 200 answers by one. No visit is ever counted twice.
"""
import html
import sys
import threading

from redis_client import Pool, RedisError

_lock = threading.Lock()
_pool = None
ERROR_PAGE = b"<html><body><p>The counter is unavailable, please retry.</p></body></html>\n"
TIMEOUT_SECONDS = 1.0


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


def handle(conf, head=False):
    key = conf.get("COUNTER_KEY") or "webtier:hello:counter"
    try:
        pool = _redis(conf)
        # One atomic INCR per visit; HEAD only reads the current value.
        count = int(pool.execute("GET", key) or 0) if head else pool.execute("INCR", key)
    except RedisError as exc:
        sys.stderr.write("hello: redis unavailable: %s: %s\n" % (type(exc).__name__, exc))
        return 503, "text/html; charset=utf-8", ERROR_PAGE
    body = ("<html><body>\n<h1>Hello World!</h1>\n<p>Counter: %d</p>\n<p>Id: %s</p>\n</body></html>\n"
            % (count, html.escape(conf.get("INSTANCE_ID") or "unknown")))
    return 200, "text/html; charset=utf-8", body.encode()
