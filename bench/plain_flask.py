"""Bench-only: a plain Flask app with one bare route, none of JewelPWA's hooks, session or database.

bench/mixed_load.py serves it under the same gunicorn settings as the real app, in the same run, so the real
app's routes can be compared with what Flask itself costs on this machine (issue 19: the real app's own
`/bench/hello` runs through every hook and flattered the comparison).

    gunicorn --workers 2 --chdir bench plain_flask:app
"""

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello() -> str:
    return "hello"
