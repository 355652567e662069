"""GET /cgi-bin/ping.py: the ALB health check. Stays cheap and never touches Redis."""


def handle(conf, head=False):
    return 200, "text/plain; charset=utf-8", b"ok"
