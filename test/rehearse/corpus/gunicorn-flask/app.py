# Flask under gunicorn's default sync worker (Debian's gunicorn and python3-flask).
from flask import Flask, request

app = Flask(__name__)


@app.get("/")
def index():
    return "ok\n"


@app.post("/")
def post():
    return f"got {len(request.form)} fields\n"
