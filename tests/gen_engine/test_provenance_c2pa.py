"""C2PA signing and verification, development keys, and the provenance CLI."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from gen_engine.provenance import (
    SigningConfig,
    configure,
    current_signing,
    detect,
    development_signing_config,
    sign_mp4,
    verify,
)
from gen_engine.provenance.__main__ import main as cli_main
from gen_engine.provenance.c2pa_signing import TRAINED_ALGORITHMIC_MEDIA
from gen_engine.provenance.keys import dev_keys_dir
from gen_engine.types import RemixOf, ScenePlan
from tests.gen_engine._provenance_helpers import (
    PAYLOAD,
    marked_clip,
    remux_without_manifest,
    spec_for,
)

REPO = Path(__file__).resolve().parents[2]
PLAN = ScenePlan(
    prompt="a red ball bounces on a beach",
    seed=7,
    subjects=(),
    setting="beach",
    time_of_day="day",
    weather="clear",
    style="cinematic",
    camera="static",
)


@pytest.fixture(scope="module")
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    directory = tmp_path_factory.mktemp("keys") / "dev-keys"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FRAMECAST_DEV_KEYS_DIR", str(directory))
        configure()
        yield directory


@pytest.fixture(scope="module")
def unsigned(keys_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return marked_clip(tmp_path_factory.mktemp("c2pa") / "unsigned.mp4", spec_for(), seconds=2)


@pytest.fixture(scope="module")
def signed(unsigned: Path) -> Path:
    path = unsigned.with_name("signed.mp4")
    shutil.copy(unsigned, path)
    sign_mp4(path, spec_for(video_id="v-parent"), PLAN)
    return path


def test_signed_file_is_trusted_with_project_anchor(signed: Path) -> None:
    report = verify(signed)
    assert report.state == "Trusted", report.errors
    assert report.ok and report.errors == []
    summary = report.summary
    assert summary["claim_generator"].startswith("Framecast/")
    assert summary["action"] == "c2pa.created"
    assert summary["digital_source_type"] == TRAINED_ALGORITHMIC_MEDIA
    assert summary["video_id"] == "v-parent"
    assert summary["creator_handle"] == "tester"
    assert summary["watermark_id"] == PAYLOAD
    assert "default" in summary["software_agent"]
    assert summary["when"].endswith("Z")
    assert stat.S_IMODE(signed.stat().st_mode) == stat.S_IMODE(
        signed.with_name("unsigned.mp4").stat().st_mode
    )  # signing in place keeps the file's permissions


def test_prompt_is_not_in_the_manifest(signed: Path) -> None:
    raw = signed.read_bytes()
    assert b"red ball bounces" not in raw
    assert b"prompt_hmac_sha256" in raw


def test_other_root_gives_valid_but_not_trusted(signed: Path) -> None:
    other = development_signing_config(signed.parent / "other-keys")
    report = verify(signed, trust_anchor_pem=other.trust_anchor_pem)
    assert report.state == "Valid"
    assert "signingCredential.untrusted" in [e["code"] for e in report.errors]


def test_flipped_byte_in_media_data_fails_verification(signed: Path) -> None:
    data = bytearray(signed.read_bytes())
    mdat = data.index(b"mdat")
    data[mdat + 2000] ^= 0x01
    tampered = signed.with_name("tampered.mp4")
    tampered.write_bytes(bytes(data))
    report = verify(tampered)
    assert report.state == "Invalid"
    assert not report.ok
    assert any("mismatch" in e["code"].lower() for e in report.errors), report.errors


def test_unsigned_file_has_no_manifest(unsigned: Path) -> None:
    assert verify(unsigned).state == "NoManifest"


def test_stripped_file_still_yields_the_watermark(signed: Path) -> None:
    stripped = remux_without_manifest(signed, signed.with_name("stripped.mp4"))
    assert verify(stripped).state == "NoManifest"
    found = detect(stripped)
    assert (found.found, found.payload) == (True, PAYLOAD)


def test_remix_lists_parent_as_parent_of_ingredient(signed: Path, unsigned: Path) -> None:
    child = unsigned.with_name("remix.mp4")
    shutil.copy(unsigned, child)
    remix = RemixOf(
        parent_plan=PLAN,
        edit_prompt="make it blue",
        parent_video_path=str(signed),
        parent_video_id="v-parent",
    )
    summary = sign_mp4(child, spec_for(video_id="v-child", remix_of=remix), PLAN)
    assert summary["ingredients"][0]["relationship"] == "parentOf"
    grandchild = unsigned.with_name("remix2.mp4")
    shutil.copy(unsigned, grandchild)
    remix2 = RemixOf(PLAN, "faster", parent_video_path=str(child), parent_video_id="v-child")
    sign_mp4(grandchild, spec_for(video_id="v-grandchild", remix_of=remix2), PLAN)
    report = verify(grandchild)
    assert report.state == "Trusted"
    assert report.summary["remix_of"] == "v-child"
    [parent] = report.ingredients
    assert (parent["relationship"], parent["video_id"]) == ("parentOf", "v-child")
    [grandparent] = parent["ingredients"]
    assert (grandparent["relationship"], grandparent["video_id"]) == ("parentOf", "v-parent")
    assert parent["errors"] == [] and grandparent["errors"] == []


def test_configured_signer_is_used(unsigned: Path, keys_dir: Path) -> None:
    site_keys = development_signing_config(keys_dir.parent / "site-keys")
    path = unsigned.with_name("site.mp4")
    shutil.copy(unsigned, path)
    configure(signing=site_keys)
    try:
        assert current_signing() == site_keys
        sign_mp4(path, spec_for(), PLAN)
        assert verify(path).state == "Trusted"
    finally:
        configure()
    # the development root does not vouch for the site's keys
    dev_root = development_signing_config().trust_anchor_pem
    assert verify(path, trust_anchor_pem=dev_root).state == "Valid"


def _load_keys(directory: str) -> SigningConfig:
    return development_signing_config(Path(directory))


def test_dev_keys_outside_repo_with_private_permissions(keys_dir: Path) -> None:
    config = development_signing_config()
    assert config.cert_chain_pem.count(b"BEGIN CERTIFICATE") == 2
    assert oct(stat.S_IMODE(keys_dir.stat().st_mode)) == "0o700"
    for file in keys_dir.iterdir():
        if file.is_file():
            assert oct(stat.S_IMODE(file.stat().st_mode)) == "0o600", file
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("FRAMECAST_DEV_KEYS_DIR")
        default = dev_keys_dir()
    assert default == Path.home() / ".local/share/framecast/dev-keys"
    assert REPO not in default.parents


def test_two_processes_generating_at_once_agree(tmp_path: Path) -> None:
    directory = str(tmp_path / "race")
    with ProcessPoolExecutor(2) as pool:
        first, second = pool.map(_load_keys, [directory, directory])
    assert first == second


def test_cli_verify_json_reports_state_and_payload(signed: Path, keys_dir: Path) -> None:
    env = {**os.environ, "FRAMECAST_DEV_KEYS_DIR": str(keys_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "gen_engine.provenance", "verify", str(signed), "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["c2pa"]["state"] == "Trusted"
    assert data["watermark"]["payload"] == PAYLOAD


def test_cli_detect_prints_payload(signed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["detect", str(signed)]) == 0
    assert f"payload {PAYLOAD}" in capsys.readouterr().out
    assert cli_main(["verify", str(signed)]) == 0
    out = capsys.readouterr().out
    assert "C2PA: Trusted" in out and "v-parent" in out
    assert cli_main(["verify", str(signed.with_name("missing.mp4"))]) == 2


def test_garbage_file_is_reported_not_raised(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"this is not a video at all")
    assert verify(junk).state == "Error"
    with pytest.raises(ValueError, match="not a readable video"):
        detect(junk)
    assert cli_main(["detect", str(junk)]) == 2


def test_cli_bad_key_hex_is_a_usage_error(signed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["detect", str(signed), "--key-hex", "not-hex"]) == 2
    assert "--key-hex is not hexadecimal" in capsys.readouterr().err
