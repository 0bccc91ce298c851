"""A TCP forwarder that can be cut: a peer (PostgreSQL, moto) going away as
Coffer sees it, while the real peer keeps its state and serves the other tests."""

from __future__ import annotations


class Outage:
    """Forwards a local port to `target_port` on 127.0.0.1 until `down()`;
    `up()` listens on the same port again. Bytes pass through untouched (TLS
    ends in the peer)."""

    def __init__(self, target_port: int):
        from conftest import free_port
        self.port, self.target = free_port(), target_port
        self.live: list = []
        self.listener = None
        self.up()

    def up(self) -> None:
        import socket
        import threading
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener

        def pump(src, dst):
            try:
                while chunk := src.recv(65536):
                    dst.sendall(chunk)
            except OSError:
                pass
            for s in (src, dst):
                try:
                    s.close()
                except OSError:
                    pass

        def accept():
            while True:
                try:
                    client, _ = listener.accept()
                except OSError:
                    return
                try:
                    upstream = socket.create_connection(("127.0.0.1", self.target))
                except OSError:
                    client.close()
                    continue
                self.live += [client, upstream]
                threading.Thread(target=pump, args=(client, upstream), daemon=True).start()
                threading.Thread(target=pump, args=(upstream, client), daemon=True).start()

        threading.Thread(target=accept, daemon=True).start()

    def down(self) -> None:
        import socket
        # shutdown() wakes the thread blocked in accept(); close() alone would not,
        # and the kernel would go on accepting on the closed socket.
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        for s in self.live:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
        self.live = []
