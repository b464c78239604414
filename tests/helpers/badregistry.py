#!/usr/bin/env python3
"""A registry that misbehaves on request, for tests/imagetool/registry.bats.

    badregistry.py PORT_FILE LOG_FILE

Listens on 127.0.0.1 (port written to PORT_FILE), logs one line per request
to LOG_FILE ("METHOD PATH range=R auth=yes|no").  Every repository serves the
same image (an OCI manifest, a config and one 300 KiB layer); the repository
name picks the misbehaviour:

  good          correct answers
  wrongdigest   the layer has one byte changed (same size)
  wrongsize     the layer has 10 bytes too many
  short         the layer lacks its last 10 bytes (honest Content-Length)
  truncate      the first layer GET announces the full size, sends half and
                closes; a Range request gets the rest (206)
  restart       like truncate, but a Range request gets the whole blob (200)
  allsent       the first layer GET announces one byte more than the layer,
                sends the whole layer and closes; a Range request from the
                layer's end gets 416 (nothing left to send)
  bigmanifest   a 5 MiB manifest with Content-Length
  bigstream     a 5 MiB manifest without Content-Length
  badtype       the manifest has Content-Type application/vnd.example.thing+json
  digestlie     Docker-Content-Digest names another digest
  hang          a manifest GET is accepted and never answered
  flaky         the first manifest GET and the first layer GET answer 500/503
  ratelimit     the first manifest GET answers 429 with Retry-After: 1
  alwaysfail    every manifest GET answers 503
  redirect      Basic auth required (user u, password p); blob GETs are
                redirected (307) to http://localhost:PORT/storage/..., which
                refuses requests that carry an Authorization header
Unknown references answer 404 MANIFEST_UNKNOWN, unknown blobs BLOB_UNKNOWN.
"""
import base64
import hashlib
import http.server
import json
import os
import sys
import threading
import time

LAYER = b"".join(hashlib.sha256(b"layer %d" % i).digest() for i in range(300 * 1024 // 32))
CONFIG = json.dumps({"architecture": "amd64", "os": "linux",
                     "rootfs": {"type": "layers", "diff_ids": []}}).encode()


def digest(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


MANIFEST = json.dumps({
    "schemaVersion": 2,
    "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
               "digest": digest(CONFIG), "size": len(CONFIG)},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                "digest": digest(LAYER), "size": len(LAYER)}],
}).encode()
BIG = b'{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","x":"' + \
    b"a" * (5 * 1024 * 1024) + b'"}'

counts = {}
lock = threading.Lock()


def bump(key):
    with lock:
        counts[key] = counts.get(key, 0) + 1
        return counts[key]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, status, body=b"", ctype="application/json", headers=None, length=True):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def error(self, status, code, headers=None):
        body = json.dumps({"errors": [{"code": code, "message": code.lower()}]}).encode()
        self.send(status, body, headers=headers)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        with open(self.server.log_file, "a") as f:
            f.write("%s %s range=%s auth=%s\n" % (self.command, self.path, self.headers.get("Range", "-"),
                                                  "yes" if self.headers.get("Authorization") else "no"))
        parts = self.path.split("/")
        if self.path == "/v2/":
            self.send(200, b"{}")
            return
        if parts[1] == "storage" and len(parts) == 3:
            if self.headers.get("Authorization"):
                self.error(403, "DENIED")
                return
            self.blob(parts[2], "good")
            return
        if len(parts) != 5 or parts[1] != "v2":
            self.error(404, "NAME_UNKNOWN")
            return
        mode, kind, ref = parts[2], parts[3], parts[4]
        if mode == "redirect":
            want = "Basic " + base64.b64encode(b"u:p").decode()
            if self.headers.get("Authorization") != want:
                self.error(401, "UNAUTHORIZED", {"WWW-Authenticate": 'Basic realm="bad, but \\"quoted\\""'})
                return
        if kind == "manifests":
            self.manifest(mode, ref)
        elif kind == "blobs":
            if mode == "redirect":
                port = self.server.server_address[1]
                self.send(307, b"", headers={"Location": "http://localhost:%d/storage/%s" % (port, ref)})
                return
            self.blob(ref, mode)
        else:
            self.error(404, "NAME_UNKNOWN")

    def manifest(self, mode, ref):
        body, ctype = MANIFEST, "application/vnd.oci.image.manifest.v1+json"
        if ref not in ("1", digest(MANIFEST)):
            self.error(404, "MANIFEST_UNKNOWN")
            return
        headers = {"Docker-Content-Digest": digest(MANIFEST)}
        if mode == "hang":
            time.sleep(120)
            return
        if mode == "flaky" and bump("manifest " + mode) == 1:
            self.error(500, "INTERNAL")
            return
        if mode == "ratelimit" and bump("manifest " + mode) == 1:
            self.error(429, "TOOMANYREQUESTS", {"Retry-After": "1"})
            return
        if mode == "alwaysfail":
            self.error(503, "UNAVAILABLE")
            return
        if mode == "bigmanifest":
            self.send(200, BIG, ctype)
            return
        if mode == "bigstream":
            self.send(200, BIG, ctype, length=False)
            return
        if mode == "badtype":
            ctype = "application/vnd.example.thing+json"
        if mode == "digestlie":
            headers["Docker-Content-Digest"] = digest(b"something else")
        self.send(200, body, ctype, headers)

    def blob(self, ref, mode):
        if ref == digest(CONFIG):
            self.send(200, CONFIG, "application/octet-stream")
            return
        if ref != digest(LAYER):
            self.error(404, "BLOB_UNKNOWN")
            return
        data = LAYER
        if mode == "wrongdigest":
            data = bytes([data[0] ^ 1]) + data[1:]
        elif mode == "wrongsize":
            data = data + b"0123456789"
        elif mode == "short":
            data = data[:-10]
        elif mode == "flaky" and self.command == "GET" and bump("blob " + mode) == 1:
            self.error(503, "UNAVAILABLE")
            return
        rng = self.headers.get("Range")
        if mode == "allsent" and self.command == "GET":
            if rng is None:
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(data) + 1))
                self.end_headers()
                self.wfile.write(data)
                self.wfile.flush()
                self.close_connection = True
                return
            start = int(rng.split("=")[1].split("-")[0])
            if start >= len(data):
                self.send(416, b"", "application/octet-stream",
                          {"Content-Range": "bytes */%d" % len(data)})
                return
        if mode in ("truncate", "restart") and self.command == "GET":
            if rng is None:
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[:len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            if mode == "truncate":
                start = int(rng.split("=")[1].split("-")[0])
                self.send(206, data[start:], "application/octet-stream",
                          {"Content-Range": "bytes %d-%d/%d" % (start, len(data) - 1, len(data))})
                return
        self.send(200, data, "application/octet-stream")


def main():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.log_file = sys.argv[2]
    open(sys.argv[2], "a").close()
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    srv.serve_forever()


if __name__ == "__main__":
    main()
