#!/usr/bin/env python3
"""Independent verifier for a Custody event export (`custody export events --format jsonl`).

Written from docs/ledger-format.md alone. Needs Python 3 and, for checkpoint signatures, the
`cryptography` package. Exit 0 when intact; 1 with "first bad event: N" otherwise (for a gap or
a cut-short export, N is the first sequence number that is missing); 2 for a usage error.

usage: verify_export.py EXPORT.jsonl [--key-id KEYID]
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


def main(path, key_id=None):
    try:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        Ed25519PublicKey = None
    prev = bytes(32)
    public_key = None
    checkpoints = 0
    count = 0
    closing = None
    expected = 1

    def bad_at(n, why):
        print(f"first bad event: {n}\nproblem: {why}")
        sys.exit(1)

    with open(path, encoding="utf-8") as f:
        for line in f:
            e = json.loads(line)
            if closing is not None:
                bad_at(expected, "a line follows the closing record")
            if "end" in e:
                closing = e
                continue
            seq = e["seq"]

            def bad(why):
                bad_at(seq, why)

            if seq != expected:
                # A gap: name the first sequence number that is missing, as custody verify does.
                bad_at(expected, f"event {expected} is missing (found {seq} next)")
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
                site_id = payload["site_id"]
                site_key_id = hashlib.sha256(public_key).hexdigest()[:16]
                if payload.get("key_id") != site_key_id:
                    bad("site.init key_id is not the id of its public key")
            if e["kind"] == "checkpoint":
                if payload["covered_seq"] != seq - 1 or payload["head_hash"] != prev.hex():
                    bad("checkpoint does not describe the head before it")
                if (payload["site_id"] != site_id or payload["key_id"] != site_key_id
                        or e["actor"] is not None or payload["time"] != e["time"]):
                    bad("checkpoint site, key id, actor or time does not match")
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
            expected += 1
    if closing is None:
        bad_at(expected, "the export is cut short: no closing record after the last event")
    if (closing.get("end") != "custody-export/v1" or closing.get("count") != count
            or closing.get("head_seq") != count or closing.get("head_hash") != prev.hex()):
        bad_at(expected, "the closing record does not match the events (events were removed)")
    if key_id is not None:
        found = hashlib.sha256(public_key or b"").hexdigest()[:16]
        if found != key_id:
            bad_at(1, f"the site key is {found}, not the key id {key_id} given out of band")
    print(f"OK: {count} events, {checkpoints} checkpoints, head {prev.hex()}")


if __name__ == "__main__":
    args = sys.argv[1:]
    key_id = None
    if len(args) == 3 and args[1] == "--key-id":
        key_id = args[2].lower()
        args = args[:1]
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: verify_export.py EXPORT.jsonl [--key-id KEYID]\n"
              "  checks an export of `custody export events --format jsonl` from\n"
              "  docs/ledger-format.md alone; exit 0 intact, 1 with the first bad event, 2 usage",
              file=sys.stderr)
        sys.exit(2)
    main(args[0], key_id)
