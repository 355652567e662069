#!/usr/bin/env python3
"""webtier HTTP server: /cgi-bin/hello.py (Redis visit counter) and /cgi-bin/ping.py (health)."""
import argparse
import os
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "cgi-bin"))
import hello  # noqa: E402
import ping  # noqa: E402

ROUTES = {"/cgi-bin/hello.py": hello.handle, "/cgi-bin/ping.py": ping.handle}


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


class Handler(BaseHTTPRequestHandler):
    server_version = "webtier"
    sys_version = ""
    timeout = 10  # drop clients that never finish sending their request

    def do_GET(self):
        route = ROUTES.get(self.path.split("?", 1)[0])
        status, ctype, body = 404, "text/plain; charset=utf-8", b"not found\n"
        if route:
            try:
                status, ctype, body = route(self.server.conf, self.command == "HEAD")
            except Exception as exc:  # log it, never send a traceback
                self.log_message("error: %s: %s", type(exc).__name__, exc)
                status, ctype, body = 500, "text/plain; charset=utf-8", b"internal error\n"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_HEAD = do_GET


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", default="/etc/webtier/webtier.conf")
    conf = load_config(parser.parse_args(argv).config)
    address = (conf.get("WEB_BIND") or "0.0.0.0", int(conf.get("WEB_PORT") or 8000))
    server = ThreadingHTTPServer(address, Handler)
    server.conf = conf
    sys.stderr.write("webtier_server: %s on %s:%d\n" % (conf.get("INSTANCE_ID"), address[0], address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
