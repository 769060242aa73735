"""A long-running service: ICL returns once it answers and prints where.

    pnpm icl run examples/service/server.py --service --port 8000             # on this machine
    pnpm icl run examples/service/server.py --on docker --service --port 8000 # in a container
"""
import http.server
import os

# Inside a container every interface is private to it (only the published port is reachable, on
# 127.0.0.1 of the host); on the host itself, stay on loopback.
address = "0.0.0.0" if os.path.exists("/.dockerenv") else "127.0.0.1"


class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"Hello from an ICL service!\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


http.server.ThreadingHTTPServer((address, 8000), Hello).serve_forever()
