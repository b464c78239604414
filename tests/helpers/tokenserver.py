#!/usr/bin/env python3
"""A token server for docker-registry's `auth: token:` (tests/lib/registry.bash).

GET /token?service=S&scope=repository:NAME:ACTIONS[&scope=...] answers
{"token": JWT, "access_token": JWT}.  The JWT is RS256-signed with KEY; its
header carries `kid`, the libtrust key id of the key (what distribution 2.8
looks up among the keys of its rootcertbundle).  With --user/--password the
request must carry those Basic credentials (else 401); without, anyone gets
a token.  Every request is appended to --log (one line: path and whether an
Authorization header came) so tests can see what the client asked.
Prints nothing; writes the bound port to --port-file.
"""
import argparse
import base64
import hashlib
import http.server
import json
import time
import urllib.parse

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def libtrust_kid(public_key):
    der = public_key.public_bytes(serialization.Encoding.DER,
                                  serialization.PublicFormat.SubjectPublicKeyInfo)
    s = base64.b32encode(hashlib.sha256(der).digest()[:30]).decode()
    return ":".join(s[i:i + 4] for i in range(0, 48, 4))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--key", required=True)
    ap.add_argument("--issuer", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--user")
    ap.add_argument("--password")
    args = ap.parse_args()

    with open(args.key, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    kid = libtrust_kid(key.public_key())

    def sign(claims):
        header = {"typ": "JWT", "alg": "RS256", "kid": kid}
        signing_input = (b64url(json.dumps(header).encode()) + "." +
                         b64url(json.dumps(claims).encode())).encode()
        sig = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        return signing_input.decode() + "." + b64url(sig)

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            url = urllib.parse.urlparse(self.path)
            q = urllib.parse.parse_qs(url.query)
            authz = self.headers.get("Authorization")
            with open(args.log, "a") as f:
                f.write("%s auth=%s\n" % (self.path, "yes" if authz else "no"))
            if url.path != "/token":
                self.send_error(404)
                return
            account = ""
            if args.user is not None:
                want = "Basic " + base64.b64encode(
                    ("%s:%s" % (args.user, args.password)).encode()).decode()
                if authz != want:
                    body = json.dumps({"errors": [{"code": "UNAUTHORIZED",
                                                   "message": "bad credentials"}]}).encode()
                    self.send_response(401)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                account = args.user
            access = []
            for scope in q.get("scope", []):
                for one in scope.split(" "):
                    parts = one.split(":")
                    if len(parts) == 3 and parts[0] == "repository":
                        access.append({"type": "repository", "name": parts[1],
                                       "actions": parts[2].split(",")})
            now = int(time.time())
            claims = {"iss": args.issuer, "sub": account,
                      "aud": q.get("service", [""])[0], "exp": now + 300,
                      "nbf": now - 10, "iat": now, "jti": "%d-%f" % (now, time.time()),
                      "access": access}
            tok = sign(claims)
            body = json.dumps({"token": tok, "access_token": tok, "expires_in": 300}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    import os
    os.rename(args.port_file + ".tmp", args.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
