"""C2PA Content Credentials for the engine's MP4s: signing and verification (c2pa-python 0.38).

What a signed file says (the manifest):

* claim generator "Framecast/<version>", the title, and a `c2pa.actions` assertion whose first
  action is `c2pa.created` with digitalSourceType trainedAlgorithmicMedia, the software agent
  (engine + backend) and the creation time;
* `org.framecast.generation`: the site's video id, the creator's handle, engine version,
  backend, the plan's non-personal settings (style, setting, camera, seed) and the watermark id,
  so a verifier can check the invisible watermark against the manifest;
* for a remix, the parent MP4 as an ingredient with relationship `parentOf`: the parent's own
  manifest is carried inside, so the lineage is signed all the way back.

Privacy: the prompt itself is NOT in the manifest, which travels with the file to anyone it is
shared with, and prompts may name people or describe cameos. Instead `prompt_hmac_sha256`, an
HMAC of the prompt keyed with the site's watermark key (a site secret), lets the site confirm on
request that a file came from a given prompt, while outsiders cannot test guesses against it.
Cameo ids are left out for the same reason; only their count is recorded.

Facts from trial (DESIGN.md): the chain must be leaf + root with the leaf's extensions right
(see keys.py); `Builder` is single-use; fragmented MP4 is not supported (sign the progressive
file); readers report our certificate as untrusted unless our root is a `trust.user_anchors`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import stat
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import c2pa

import gen_engine
from gen_engine.provenance._config import current_signing, current_watermark_key
from gen_engine.provenance.keys import SigningConfig
from gen_engine.types import GenerationSpec, ScenePlan

GENERATION_LABEL = "org.framecast.generation"
TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
MP4 = "video/mp4"
MAX_INGREDIENT_DEPTH = 16


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def prompt_digest(prompt: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 of the prompt under the site's watermark key (see module docstring)."""
    secret = key if key is not None else current_watermark_key()
    return hmac.new(secret, prompt.encode("utf-8"), hashlib.sha256).hexdigest()


def _software_agent(spec: GenerationSpec) -> str:
    return f"Framecast engine {gen_engine.__version__} ({spec.backend} backend)"


def build_manifest(
    spec: GenerationSpec,
    plan: ScenePlan | None,
    title: str,
    audio: tuple[str, str] = ("engine", ""),
) -> dict[str, Any]:
    """`audio` is (source, model label): who made the sound, which a joint audio-video model
    (LTX-2) may have made instead of the engine; either way it is AI-generated."""
    created: dict[str, Any] = {
        "action": "c2pa.created",
        "digitalSourceType": TRAINED_ALGORITHMIC_MEDIA,
        "softwareAgent": {"name": _software_agent(spec), "version": gen_engine.__version__},
        "when": _utc_now(),
    }
    generation: dict[str, Any] = {
        "video_id": spec.video_id,
        "creator_handle": spec.creator_handle,
        "engine": "Framecast",
        "engine_version": gen_engine.__version__,
        "backend": spec.backend,
        "prompt_hmac_sha256": prompt_digest(spec.prompt),
        "watermark_id": spec.watermark_id,
        "duration_s": spec.duration,
        "aspect": spec.aspect,
        "cameo_count": len(spec.cameos),
    }
    if plan is not None:
        generation.update(
            seed=plan.seed, style=plan.style, setting=plan.setting, camera=plan.camera
        )
    if spec.diffusion is not None:  # which checkpoint made the pixels (its folder's name)
        generation["model"] = Path(spec.diffusion.model_dir).name
        generation["quality"] = spec.diffusion.quality
    source, audio_model = audio
    generation["audio"] = {
        "source": source,  # engine, model, or mix (the model's track with the engine's foley)
        "model": audio_model or "Framecast engine",
        "checkpoint": generation.get("model", "") if source != "engine" else "",
        "digital_source_type": TRAINED_ALGORITHMIC_MEDIA,
    }
    if spec.remix_of is not None:
        generation["remix_of"] = spec.remix_of.parent_video_id or ""
    return {
        "claim_generator": f"Framecast/{gen_engine.__version__}",
        "claim_generator_info": [{"name": "Framecast", "version": gen_engine.__version__}],
        "title": title,
        "format": MP4,
        "assertions": [
            {"label": "c2pa.actions", "data": {"actions": [created]}},
            {"label": GENERATION_LABEL, "data": generation},
        ],
    }


def _signer(config: SigningConfig) -> c2pa.Signer:
    info = c2pa.C2paSignerInfo(
        config.algorithm.encode(),
        config.cert_chain_pem,
        config.private_key_pem,
        config.timestamp_url,
    )
    return c2pa.Signer.from_info(info)


def sign_mp4(
    path: str | Path,
    spec: GenerationSpec,
    plan: ScenePlan | None = None,
    *,
    signer: SigningConfig | None = None,
    audio: tuple[str, str] = ("engine", ""),
) -> dict[str, Any]:
    """Sign the progressive MP4 at `path` in place; return a summary of the manifest."""
    target = Path(path)
    config = signer if signer is not None else current_signing()
    title = f"framecast-{spec.video_id}.mp4" if spec.video_id else target.name
    # With our root as an anchor the parent ingredient's recorded validation says trusted too.
    context = _reader_context(config.trust_anchor_pem)
    builder = c2pa.Builder(build_manifest(spec, plan, title, audio), context=context)
    parent = spec.remix_of.parent_video_path if spec.remix_of is not None else None
    if parent:
        parent_id = spec.remix_of.parent_video_id if spec.remix_of is not None else None
        ingredient = {
            "title": f"framecast-{parent_id}.mp4" if parent_id else Path(parent).name,
            "relationship": "parentOf",
        }
        with open(parent, "rb") as parent_stream:
            builder.add_ingredient(ingredient, MP4, parent_stream)
    descriptor, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".signing-", suffix=".mp4")
    os.close(descriptor)
    try:
        with open(target, "rb") as source, open(temp_name, "w+b") as dest:
            builder.sign(_signer(config), MP4, source, dest)
        report = verify(temp_name, trust_anchor_pem=config.trust_anchor_pem)
        os.chmod(temp_name, stat.S_IMODE(target.stat().st_mode))  # mkstemp made it 0600
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    finally:
        builder.close()
    return {
        "label": report.manifest_label,
        "state": report.state,
        "signer": report.signer,
        "time": report.summary.get("when"),
        "claim_generator": report.summary.get("claim_generator"),
        "ingredients": [
            {k: i.get(k) for k in ("title", "relationship", "video_id")} for i in report.ingredients
        ],
    }


@dataclass
class VerifyReport:
    state: str  # Trusted, Valid, Invalid, NoManifest, Error
    manifest_label: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    signer: dict[str, Any] = field(default_factory=dict)
    ingredients: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.state in ("Trusted", "Valid")

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def _assertion(manifest: dict[str, Any], *labels: str) -> dict[str, Any]:
    for assertion in manifest.get("assertions", []):
        label = str(assertion.get("label", ""))
        if any(label == wanted or label.startswith(wanted + ".") for wanted in labels):
            data = assertion.get("data")
            return data if isinstance(data, dict) else {}
    return {}


def _summarise(manifest: dict[str, Any]) -> dict[str, Any]:
    actions = _assertion(manifest, "c2pa.actions").get("actions", [])
    first = actions[0] if actions else {}
    generation = _assertion(manifest, GENERATION_LABEL)
    info = manifest.get("claim_generator_info") or [{}]
    generator = manifest.get("claim_generator") or "/".join(
        str(info[0].get(k, "")) for k in ("name", "version")
    )
    agent = first.get("softwareAgent")
    return {
        "title": manifest.get("title"),
        "claim_generator": generator,
        "action": first.get("action"),
        "digital_source_type": first.get("digitalSourceType"),
        "ai_generated": first.get("digitalSourceType") == TRAINED_ALGORITHMIC_MEDIA,
        "software_agent": agent.get("name") if isinstance(agent, dict) else agent,
        "when": first.get("when"),
        "video_id": generation.get("video_id"),
        "creator_handle": generation.get("creator_handle"),
        "engine_version": generation.get("engine_version"),
        "backend": generation.get("backend"),
        "model": generation.get("model"),
        "audio": generation.get("audio"),
        "watermark_id": generation.get("watermark_id"),
        "remix_of": generation.get("remix_of"),
    }


def _ingredient_chain(
    manifests: dict[str, Any], manifest: dict[str, Any], depth: int = 0
) -> list[dict[str, Any]]:
    chain: list[dict[str, Any]] = []
    for ingredient in manifest.get("ingredients", []):
        label = ingredient.get("active_manifest")
        parent = manifests.get(label) if label else None
        summary = _summarise(parent) if parent else {}
        failures = (
            ingredient.get("validation_results", {}).get("activeManifest", {}).get("failure", [])
        )
        entry = {
            "title": ingredient.get("title"),
            "relationship": ingredient.get("relationship"),
            "manifest_label": label,
            "video_id": summary.get("video_id"),
            "creator_handle": summary.get("creator_handle"),
            "when": summary.get("when"),
            "errors": [f.get("code") for f in failures if f.get("code")],
            "ingredients": (
                _ingredient_chain(manifests, parent, depth + 1)
                if parent and depth < MAX_INGREDIENT_DEPTH
                else []
            ),
        }
        chain.append(entry)
    return chain


def _reader_context(trust_anchor_pem: bytes | None) -> c2pa.Context:
    settings: dict[str, Any] = {"verify": {"verify_trust": True}}
    if trust_anchor_pem:
        settings["trust"] = {"user_anchors": trust_anchor_pem.decode("ascii")}
    return c2pa.Context.from_dict(settings)


def verify(path: str | Path, *, trust_anchor_pem: bytes | None = None) -> VerifyReport:
    """Validate the C2PA manifest of `path`; our own root (configured or dev) is trusted."""
    anchor = (
        trust_anchor_pem if trust_anchor_pem is not None else current_signing().trust_anchor_pem
    )
    try:
        with c2pa.Reader(str(path), context=_reader_context(anchor)) as reader:
            data = json.loads(reader.json())
            state = reader.get_validation_state() or "Invalid"
    except c2pa.C2paError as error:
        if "ManifestNotFound" in type(error).__name__ or "ManifestNotFound" in str(error):
            return VerifyReport(state="NoManifest")
        return VerifyReport(state="Error", errors=[{"code": "read", "explanation": str(error)}])
    label = data.get("active_manifest")
    manifests = data.get("manifests", {})
    manifest = manifests.get(label, {})
    failures = data.get("validation_results", {}).get("activeManifest", {}).get("failure", [])
    signature = manifest.get("signature_info", {})
    return VerifyReport(
        state=state,
        manifest_label=label,
        summary=_summarise(manifest),
        signer={
            "common_name": signature.get("common_name"),
            "issuer": signature.get("issuer"),
            "time": signature.get("time"),
            "alg": signature.get("alg"),
        },
        ingredients=_ingredient_chain(manifests, manifest),
        errors=[
            {"code": str(f.get("code", "")), "explanation": str(f.get("explanation", ""))}
            for f in failures
        ],
    )
