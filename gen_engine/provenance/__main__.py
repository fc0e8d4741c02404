"""Command line: check a video's Content Credentials and invisible watermark.

    python -m gen_engine.provenance verify FILE [--json]
    python -m gen_engine.provenance detect FILE [--json]

Exit status: 0 when the check passed (a Trusted/Valid manifest, or a watermark found), 1 when
not, 2 on a usage error. `--key-hex` selects a watermark key other than the configured one.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from gen_engine.provenance.c2pa_signing import VerifyReport, verify
from gen_engine.provenance.detection import Detection, detect


def _print_chain(ingredients: list[dict[str, Any]], indent: int = 1) -> None:
    for item in ingredients:
        pad = "  " * indent
        who = f"video {item.get('video_id') or '?'} by @{item.get('creator_handle') or '?'}"
        print(f"{pad}- {item.get('relationship')}: {item.get('title')} ({who})")
        for error in item.get("errors", []):
            print(f"{pad}  ! {error}")
        _print_chain(item.get("ingredients", []), indent + 1)


def _print_report(path: str, report: VerifyReport, found: Detection) -> None:
    print(f"File: {path}")
    print(f"C2PA: {report.state}")
    summary = report.summary
    if report.manifest_label:
        print(f"  manifest: {report.manifest_label}")
        print(f"  claim generator: {summary.get('claim_generator')}")
        print(f"  action: {summary.get('action')} ({summary.get('digital_source_type')})")
        print(f"  software agent: {summary.get('software_agent')}")
        print(f"  when: {summary.get('when')}")
        print(f"  video id: {summary.get('video_id')}  creator: @{summary.get('creator_handle')}")
        signer = report.signer
        print(f"  signed by: {signer.get('common_name')} (issuer {signer.get('issuer')})")
    if report.ingredients:
        print("  ingredients:")
        _print_chain(report.ingredients, 2)
    for error in report.errors:
        print(f"  error: {error['code']}: {error['explanation']}")
    _print_detection(found)


def _print_detection(found: Detection) -> None:
    if found.found:
        print(f"Watermark: found, payload {found.payload} (0x{found.payload:012x})", end="")
    else:
        print("Watermark: not found", end="")
    print(f"  [pilot z {found.pilot_z:.1f}, crc {'ok' if found.crc_ok else 'bad'}]")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gen_engine.provenance")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("verify", "detect"):
        command = commands.add_parser(name)
        command.add_argument("file")
        command.add_argument("--json", action="store_true", help="machine-readable output")
        command.add_argument("--key-hex", help="watermark key as hex (default: configured)")
    args = parser.parse_args(argv)
    if not Path(args.file).is_file():
        print(f"no such file: {args.file}", file=sys.stderr)
        return 2
    try:
        key = bytes.fromhex(args.key_hex) if args.key_hex else None
    except ValueError:
        print(f"--key-hex is not hexadecimal: {args.key_hex!r}", file=sys.stderr)
        return 2
    try:
        found = detect(args.file, key=key)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    if args.command == "detect":
        if args.json:
            print(json.dumps(found.to_dict(), indent=2))
        else:
            _print_detection(found)
        return 0 if found.found else 1
    report = verify(args.file)
    if args.json:
        print(json.dumps({"c2pa": report.to_dict(), "watermark": found.to_dict()}, indent=2))
    else:
        _print_report(args.file, report, found)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
