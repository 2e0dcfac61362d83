#!/usr/bin/env python3
"""Busy lamps for Kamailio from Switchboard's platform feed.

Holds one /ws/platform socket (platform token, resumed with `since` after a reconnect) and, for
every line, PUBLISHes its RFC 4235 dialog-info to Kamailio's presence server (kamailio.cfg next to
this file), which NOTIFYs the phones subscribed to it:

  sip:<internalNumber>@<orgId>     early while the device rings, confirmed in a call, else terminated
  sip:dnd<internalNumber>@<orgId>  confirmed while the device's dnd or its owner's userDnd is on

Python 3.8+, standard library only. Settings come from the environment (see README.md):
SB_URL, SB_CLIENT_ID, SB_CLIENT_SECRET, SB_KAMAILIO (host:port of Kamailio's SIP UDP socket),
SB_BIND (local address to send from; Kamailio accepts PUBLISH only from SB_BLF_PUBLISHER),
SB_ORGS ("all" or comma-separated organization ids), SB_PUBLISH_EXPIRES (seconds, default 3600).
"""

import base64
import json
import os
import random
import socket
import ssl
import struct
import sys
import time
import urllib.parse
import urllib.request
import uuid
from xml.sax.saxutils import escape

URL = os.environ.get("SB_URL", "http://127.0.0.1:8080").rstrip("/")
CLIENT_ID = os.environ.get("SB_CLIENT_ID", "sip-platform")
CLIENT_SECRET = os.environ.get("SB_CLIENT_SECRET", "change-me")
KAMAILIO = os.environ.get("SB_KAMAILIO", "127.0.0.1:5060")
BIND = os.environ.get("SB_BIND", "127.0.0.1")
ORGS = os.environ.get("SB_ORGS", "all")
EXPIRES = int(os.environ.get("SB_PUBLISH_EXPIRES", "3600"))


def log(message):
    print(time.strftime("%H:%M:%S ") + message, file=sys.stderr, flush=True)


class Closed(Exception):
    """The socket ended; code is the WebSocket close code (None: the network)."""

    def __init__(self, code=None):
        super().__init__("closed %s" % code)
        self.code = code


# --- WebSocket (RFC 6455), just what the feed needs: text frames, ping/pong, close ----------------

class WebSocket:
    def __init__(self, url, token, timeout):
        parts = urllib.parse.urlsplit(url)
        secure = parts.scheme in ("https", "wss")
        port = parts.port or (443 if secure else 80)
        raw = socket.create_connection((parts.hostname, port), timeout=10)
        self.sock = ssl.create_default_context().wrap_socket(raw, server_hostname=parts.hostname) if secure else raw
        key = base64.b64encode(os.urandom(16)).decode()
        request = ("GET /ws/platform HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer %s\r\n\r\n"
                   % (parts.hostname, port, key, token))
        self.sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise Closed()
            head += chunk
        head, self.buffer = head.split(b"\r\n\r\n", 1)
        status = head.split(b"\r\n", 1)[0].decode(errors="replace")
        if " 101 " not in status + " ":
            raise ConnectionError("feed refused: " + status)
        self.sock.settimeout(timeout)

    def send(self, obj):
        self._frame(0x1, json.dumps(obj).encode())

    def _frame(self, opcode, payload):
        header = bytes([0x80 | opcode])
        n = len(payload)
        header += bytes([0x80 | n]) if n < 126 else (bytes([0x80 | 126]) + struct.pack("!H", n) if n < 65536
                                                     else bytes([0x80 | 127]) + struct.pack("!Q", n))
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise Closed()
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def receive(self):
        """The next text message as an object; socket.timeout when nothing came in time."""
        message = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            payload = self._read(n)
            opcode = b0 & 0x0F
            if opcode == 0x9:
                self._frame(0xA, payload)
            elif opcode == 0x8:
                raise Closed(struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None)
            elif opcode in (0x0, 0x1, 0x2):
                message += payload
                if b0 & 0x80:
                    return json.loads(message)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# --- SIP PUBLISH (RFC 3903) over UDP to Kamailio --------------------------------------------------

class Publisher:
    def __init__(self):
        host, port = KAMAILIO.rsplit(":", 1)
        self.target = (host, int(port))
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((BIND, 0))
        self.local = "%s:%d" % self.sock.getsockname()
        self.bodies = {}    # presentity -> what its lamp should show (the last body published or tried)
        self.failed = set()  # presentities whose last PUBLISH was not accepted (Kamailio down?)
        self.cseq = 0

    def publish(self, presentity, body, force=False):
        """Publishes body as the presentity's whole dialog-info.

        Every state is a new publication (no SIP-If-Match), always with the line's one dialog id:
        Kamailio's presence then replaces the presentity's earlier publication of that dialog
        (delete_presentity_if_dialog_id_exists). Modifying a publication instead does not work in
        Kamailio 5.6 with publ_cache=2: the next request with the SIP-ETag it answered gets 412,
        a publication whose dialog is terminated ignores updates, and withdrawing one (Expires: 0)
        NOTIFYs the withdrawn state."""
        if not force and self.bodies.get(presentity) == body and presentity not in self.failed:
            return
        self.bodies[presentity] = body
        code = self._send(presentity, body)
        if 200 <= code < 300:
            self.failed.discard(presentity)
        else:
            self.failed.add(presentity)
            log("PUBLISH %s answered %s (tried again later)" % (presentity, code))

    def refresh(self):
        for presentity, body in list(self.bodies.items()):
            self.publish(presentity, body, force=True)

    def retry(self):
        for presentity in list(self.failed):
            self.publish(presentity, self.bodies[presentity], force=True)

    def _send(self, presentity, body):
        self.cseq += 1
        uri = "sip:" + presentity
        branch = "z9hG4bK" + uuid.uuid4().hex
        payload = body.encode()
        message = ("PUBLISH %s SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=%s;rport\r\nMax-Forwards: 70\r\n"
                   "From: <%s>;tag=%s\r\nTo: <%s>\r\nCall-ID: %s@switchboard-blf\r\nCSeq: %d PUBLISH\r\n"
                   "Event: dialog\r\nExpires: %d\r\nContent-Type: application/dialog-info+xml\r\n"
                   "Content-Length: %d\r\n\r\n"
                   % (uri, self.local, branch, uri, uuid.uuid4().hex[:12], uri, uuid.uuid4().hex, self.cseq,
                      EXPIRES, len(payload))).encode() + payload
        wait = 0.5
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:  # UDP: retransmit like a SIP client (timer E)
            self.sock.sendto(message, self.target)
            self.sock.settimeout(wait)
            try:
                while True:
                    reply = self.sock.recv(65535).decode(errors="replace")
                    if branch in reply:
                        code = int(reply.split(" ", 2)[1])
                        if code >= 200:
                            return code
            except socket.timeout:
                wait = min(wait * 2, 4)
        return 408


def dialog_info(presentity, dialog_id, state):
    entity = escape("sip:" + presentity)
    return ('<?xml version="1.0"?>\n<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="0" '
            'state="full" entity="%s"><dialog id="%s" direction="recipient"><state>%s</state></dialog>'
            '</dialog-info>' % (entity, escape(dialog_id), state))


LAMP = {"in_call": "confirmed", "ringing": "early"}  # idle, unavailable: terminated (lamp off)


def apply_line(publisher, org, line):
    number, account = line["internalNumber"], line["voipAccountId"]
    lamp = "%s@%s" % (number, org)
    publisher.publish(lamp, dialog_info(lamp, "sb-" + account, LAMP.get(line["state"], "terminated")))
    dnd = "dnd%s@%s" % (number, org)
    on = line.get("dnd") or line.get("userDnd")
    publisher.publish(dnd, dialog_info(dnd, "sb-dnd-" + account, "confirmed" if on else "terminated"))


def clear(publisher, org, number, account):
    for prefix, dialog in (("", "sb-"), ("dnd", "sb-dnd-")):
        presentity = "%s%s@%s" % (prefix, number, org)
        publisher.publish(presentity, dialog_info(presentity, dialog + account, "terminated"))


# --- The feed ------------------------------------------------------------------------------------

def token():
    request = urllib.request.Request(URL + "/api/auth/token", method="POST",
                                     data=json.dumps({"clientId": CLIENT_ID, "clientSecret": CLIENT_SECRET}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)["accessToken"]


def run(publisher, seqs, numbers):
    """One connection, until it ends. seqs: org -> last seq applied; numbers: org -> {account: number}."""
    ws = WebSocket(URL, token(), timeout=min(EXPIRES / 2, 20))
    try:
        orgs = "all" if ORGS == "all" else [o.strip() for o in ORGS.split(",") if o.strip()]
        ws.send({"type": "subscribe", "orgIds": orgs, "since": dict(seqs)} if seqs
                else {"type": "subscribe", "orgIds": orgs})
        log("feed open at %s, resuming %d organization(s)" % (URL, len(seqs)))
        refreshed = retried = time.monotonic()
        while True:
            now = time.monotonic()
            if now - refreshed > EXPIRES / 2:
                publisher.refresh()
                refreshed = now
            elif publisher.failed and now - retried > 20:
                publisher.retry()
                retried = now
            try:
                frame = ws.receive()
            except socket.timeout:
                ws.send({"type": "ping"})
                continue
            kind, org = frame.get("type"), frame.get("orgId")
            if kind == "snapshot":
                known = numbers.setdefault(org, {})
                current = {line["voipAccountId"] for line in frame["lines"]}
                for account in [a for a in known if a not in current]:
                    clear(publisher, org, known.pop(account), account)
                for line in frame["lines"]:
                    apply_line(publisher, org, line)
                    known[line["voipAccountId"]] = line["internalNumber"]
                seqs[org] = frame["seq"]
                log("snapshot of %s: %d line(s) at seq %s" % (org, len(frame["lines"]), frame["seq"]))
            elif kind == "resumed":
                seqs[org] = frame["seq"]
                log("resumed %s after seq %s" % (org, frame["seq"]))
            elif kind in ("line", "line_removed"):
                if org in seqs and frame["seq"] != seqs[org] + 1:
                    log("missed events of %s (seq %s after %s): reconnecting" % (org, frame["seq"], seqs[org]))
                    return
                known = numbers.setdefault(org, {})
                if kind == "line":
                    line = frame["line"]
                    previous = known.get(line["voipAccountId"])
                    if previous is not None and previous != line["internalNumber"]:
                        clear(publisher, org, previous, line["voipAccountId"])
                    apply_line(publisher, org, line)
                    known[line["voipAccountId"]] = line["internalNumber"]
                else:
                    number = known.pop(frame["voipAccountId"], None)
                    if number is not None:
                        clear(publisher, org, number, frame["voipAccountId"])
                seqs[org] = frame["seq"]
            elif kind == "error":
                log("feed error: %s %s" % (frame.get("code"), frame.get("message")))
    finally:
        ws.close()


def main():
    publisher = Publisher()
    seqs, numbers = {}, {}
    backoff = 1
    while True:
        started = time.monotonic()
        try:
            run(publisher, seqs, numbers)
        except Closed as closed:
            log("feed closed (%s)" % closed.code)
        except (OSError, ValueError, KeyError) as error:
            log("feed failed: %r" % error)
        if time.monotonic() - started > 60:
            backoff = 1
        time.sleep(backoff * (0.5 + random.random()))
        backoff = min(backoff * 2, 30)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
