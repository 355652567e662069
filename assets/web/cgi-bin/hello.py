"""GET /cgi-bin/hello.py: count the visit in Redis and show which instance answered."""
import html
import sys
import threading

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

_lock = threading.Lock()
_pool = None
ERROR_PAGE = b"<html><body><p>The counter is unavailable, please retry.</p></body></html>\n"


def _redis(conf):
    """One connection pool per process; endpoint, TLS and AUTH come from the config."""
    global _pool
    with _lock:
        if _pool is None:
            kw = dict(host=conf.get("REDIS_HOST") or "127.0.0.1", port=int(conf.get("REDIS_PORT") or 6379),
                      password=conf.get("REDIS_AUTH_TOKEN") or None, socket_connect_timeout=1, socket_timeout=1,
                      # No retries: a retried INCR could count one visit twice.
                      retry=Retry(NoBackoff(), 0), max_connections=64, timeout=1)
            if conf.get("REDIS_TLS", "").lower() == "true":
                kw.update(connection_class=redis.SSLConnection, ssl_check_hostname=True,
                          ssl_ca_certs=conf.get("REDIS_TLS_CA_FILE") or None)
            _pool = redis.BlockingConnectionPool(**kw)
    return redis.Redis(connection_pool=_pool)


def handle(conf, head=False):
    key = conf.get("COUNTER_KEY") or "webtier:hello:counter"
    try:
        r = _redis(conf)
        # One atomic INCR per visit; HEAD only reads the current value.
        count = int(r.get(key) or 0) if head else r.incr(key)
    except (redis.RedisError, OSError) as exc:
        sys.stderr.write("hello: redis unavailable: %s: %s\n" % (type(exc).__name__, exc))
        return 503, "text/html; charset=utf-8", ERROR_PAGE
    body = ("<html><body>\n<h1>Hello World!</h1>\n<p>Counter: %d</p>\n<p>Id: %s</p>\n</body></html>\n"
            % (count, html.escape(conf.get("INSTANCE_ID") or "unknown")))
    return 200, "text/html; charset=utf-8", body.encode()
