"""The load balancer's own `defaults` (docker/haproxy/haproxy.cfg, which `make cluster` writes the
same), run by the real HAProxy: a request an instance drops unanswered, as a stopping gunicorn
does to the connections left in its queue, is answered by the other instance, even a POST whose
body reaches the balancer in a second packet on a kept-alive connection. Before the balancer
waited for bodies, that POST was not resent and the client's connection closed with no answer."""

import http.client
import http.server
import shutil
import socket
import struct
import subprocess
import threading
import time

import pytest

from shop.testing import ROOT, free_port, haproxy_defaults


class Answering(http.server.BaseHTTPRequestHandler):
    """The healthy instance: answers 200 with the body it received."""

    protocol_version = "HTTP/1.1"

    def _answer(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


def _dropping_server() -> socket.socket:
    """The stopping instance: takes each connection and resets it without a byte of answer."""
    listener = socket.create_server(("127.0.0.1", 0))

    def drop():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            connection.recv(65536)  # what has arrived of the request
            connection.close()  # RST: nothing answered

    threading.Thread(target=drop, daemon=True).start()
    return listener


@pytest.fixture
def balancer(tmp_path):
    binary = shutil.which("haproxy")
    if binary is None:
        pytest.fail("haproxy is missing: `scripts/stack tools` installs it (make test runs it)")
    defaults = haproxy_defaults((ROOT / "docker" / "haproxy" / "haproxy.cfg").read_text())
    dropping = _dropping_server()
    answering = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answering)
    threading.Thread(target=answering.serve_forever, daemon=True).start()
    port = free_port()
    config = tmp_path / "haproxy.cfg"
    config.write_text(
        "global\n    log stdout format raw local0\n"
        + "defaults\n"
        + "".join(f"    {line}\n" for line in defaults)
        + f"frontend shop\n    bind 127.0.0.1:{port}\n    default_backend web\n"
        # `first`: every request tries the dropping instance before the answering one
        + "backend web\n    balance first\n"
        + f"    server stopping 127.0.0.1:{dropping.getsockname()[1]}\n"
        + f"    server running 127.0.0.1:{answering.server_address[1]}\n"
    )
    process = subprocess.Popen([binary, "-db", "-f", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        answering.shutdown()
        dropping.close()


def test_a_post_dropped_by_a_stopping_instance_is_answered_by_the_other(balancer):
    client = http.client.HTTPConnection("127.0.0.1", balancer, timeout=10)
    try:
        client.request("GET", "/api/v1/cart")
        first = client.getresponse()
        first.read()
        assert first.status == 200, first.status

        body = b'{"product": 1, "quantity": 1}'
        client.putrequest("POST", "/api/v1/cart")  # on the same kept-alive connection
        client.putheader("Content-Type", "application/json")
        client.putheader("Content-Length", str(len(body)))
        client.endheaders()
        time.sleep(0.3)  # the body in a later packet, as a loaded client or network sends it
        client.send(body)
        try:
            second = client.getresponse()
        except http.client.RemoteDisconnected:
            pytest.fail("the balancer closed the connection without an answer")
        answered = second.read()
    finally:
        client.close()

    assert second.status == 200, f"the balancer answered {second.status}"
    assert answered == body
