# Starlette under uvicorn at its defaults (Debian's uvicorn and python3-starlette).
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def index(request):
    if request.method == "POST":
        return PlainTextResponse(f"got {len(await request.body())} bytes\n")
    return PlainTextResponse("ok\n")


app = Starlette(routes=[Route("/", index, methods=["GET", "POST"])])
