"""A real SMTP server for Roster's tests (aiosmtpd): every message it receives is parsed with
Python's e-mail library and written to DIR as one JSON file (NNNNN.json, in arrival order):
the envelope, the headers as received, the subject, and the plain-text and HTML parts decoded.

    python scripts/test-smtp.py --port 2525 --dir /tmp/mail

Prints "ready" once it accepts connections; stops on SIGTERM. Only listens on 127.0.0.1.
Installed by scripts/test-smtp.sh into target/test-smtp (a virtualenv).
"""
import argparse
import asyncio
import email
import email.policy
import itertools
import json
import os
import signal

from aiosmtpd.controller import Controller


class Store:
    def __init__(self, directory):
        self.directory = directory
        self.numbers = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)

        def part(kind):
            body = message.get_body((kind,))
            return body.get_content() if body is not None else None

        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "headers": [[name, str(value)] for name, value in message.items()],
            "subject": str(message.get("subject", "")),
            "from": str(message.get("from", "")),
            "to": str(message.get("to", "")),
            "reply_to": str(message.get("reply-to", "")),
            "text": part("plain"),
            "html": part("html"),
        }
        number = next(self.numbers)
        path = os.path.join(self.directory, f"{number:05}.json")
        with open(path + ".tmp", "w", encoding="utf-8") as out:
            json.dump(record, out)
        os.rename(path + ".tmp", path)
        return "250 Message accepted for delivery"


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    controller = Controller(Store(args.dir), hostname="127.0.0.1", port=args.port)
    controller.start()
    print("ready", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    controller.stop()


if __name__ == "__main__":
    asyncio.run(main())
