#!/usr/bin/env python3
"""Independent verifier for a Custody event export (`custody export events --format jsonl`).

Written from docs/ledger-format.md alone. Needs Python 3 and, for checkpoint signatures, the
`cryptography` package. Exit 0 when intact; 1 with "first bad event: N" otherwise.
"""
import hashlib
import json
import struct
import sys


def field(value):
    if value is None:
        return struct.pack(">I", 0xFFFFFFFF)
    data = value.encode("utf-8")
    return struct.pack(">I", len(data)) + data


def canonical(e):
    return (b"CUSTODY-EVENT-1\n" + struct.pack(">q", e["seq"]) + field(e["id"]) + field(e["time"])
            + field(e["actor"]) + field(e["witness"]) + field(e["kind"]) + field(e["subject"])
            + field(e["payload"]))


def main(path):
    try:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        Ed25519PublicKey = None
    prev = bytes(32)
    public_key = None
    checkpoints = 0
    count = 0
    with open(path, encoding="utf-8") as f:
        for expected, line in enumerate(f, start=1):
            e = json.loads(line)
            seq = e["seq"]

            def bad(why):
                print(f"first bad event: {seq}\nproblem: {why}")
                sys.exit(1)

            if seq != expected:
                bad(f"expected seq {expected}")
            if bytes.fromhex(e["prev_hash"]) != prev:
                bad("prev_hash does not match the previous hash")
            h = hashlib.sha256(prev + canonical(e)).digest()
            if h.hex() != e["hash"]:
                bad("hash does not match the recomputed hash")
            payload = json.loads(e["payload"])
            if (seq == 1) != (e["kind"] == "site.init"):
                bad("site.init must be the first event, and only the first")
            if seq == 1:
                public_key = bytes.fromhex(payload["public_key"])
            if e["kind"] == "checkpoint":
                if payload["covered_seq"] != seq - 1 or payload["head_hash"] != prev.hex():
                    bad("checkpoint does not describe the head before it")
                note = (f"custody-checkpoint/v1\nsite {payload['site_id']}\nseq {payload['covered_seq']}\n"
                        f"head {payload['head_hash']}\ntime {payload['time']}\n")
                if Ed25519PublicKey is not None:
                    try:
                        Ed25519PublicKey.from_public_bytes(public_key).verify(
                            bytes.fromhex(payload["signature"]), note.encode("utf-8"))
                    except Exception:
                        bad("checkpoint signature is not valid")
                checkpoints += 1
            prev = h
            count += 1
    print(f"OK: {count} events, {checkpoints} checkpoints, head {prev.hex()}")


if __name__ == "__main__":
    main(sys.argv[1])
