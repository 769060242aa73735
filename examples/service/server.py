"""A long-running service: ICL returns once it answers and prints where.

    pnpm icl run examples/service/server.py --service --port 8000             # on this machine
    pnpm icl run examples/service/server.py --on docker --service --port 8000 # in a container
    pnpm icl run examples/service/server.py --on k8s --service --port 8000    # in a pod
"""
import http.server
import os

# Inside a container or a pod every interface is private to it (only the published or forwarded port is
# reachable, on 127.0.0.1 of your machine); on the host itself, stay on loopback.
in_container = os.path.exists("/.dockerenv") or "KUBERNETES_SERVICE_HOST" in os.environ
address = "0.0.0.0" if in_container else "127.0.0.1"


class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"Hello from an ICL service!\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


http.server.ThreadingHTTPServer((address, 8000), Hello).serve_forever()
