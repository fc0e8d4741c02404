"""Tiny random-weight checkpoints of each family, built offline, for tests and `--small` benches.

Each is a complete diffusers-format folder (model_index.json, a tokenizer trained here with the
`tokenizers` library, a tiny T5/UMT5 encoder, transformer, VAE and scheduler, written with
`save_pretrained`), so the product's own loader reads it exactly as it reads a real checkpoint.
Weights are random and seeded: the pictures are noise, but every shape rule, callback and code
path of the real models is exercised.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

TEXT_DIM = 32
MAX_TOKENS = 16
_CORPUS = (
    "a red ball bounces on the beach at sunset",
    "two friends dance in the rain on a city street",
    "a dog runs through the snow in the forest at night",
    "claymation cat jumps over a box in the kitchen",
    "cinematic slow motion of a car driving past neon lights",
)


def build_tiny_checkpoint(family: str, folder: str | Path, seed: int = 0) -> Path:
    """Write a tiny `family` checkpoint into `folder`: "wan", "wan22" (Wan 2.2 A14B's layout: a
    high-noise and a low-noise transformer), "ltx" or "cogvideox"."""
    builders = {"wan": _wan, "wan22": _wan_two_experts, "ltx": _ltx, "cogvideox": _cogvideox}
    if family not in builders:
        raise ValueError(f"unknown family {family!r}; expected one of {sorted(builders)}")
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    pipeline = builders[family]()
    pipeline.save_pretrained(str(target))
    return target


def _tokenizer() -> Any:
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import T5TokenizerFast

    # Unigram, as T5's own tokenizers are: T5TokenizerFast rebuilds a Unigram model on load.
    raw = Tokenizer(models.Unigram())
    raw.pre_tokenizer = pre_tokenizers.Metaspace()
    pad, eos, unk = "<pad>", "</s>", "<unk>"
    trainer = trainers.UnigramTrainer(vocab_size=96, special_tokens=[pad, eos, unk], unk_token=unk)
    raw.train_from_iterator(_CORPUS, trainer=trainer)
    return T5TokenizerFast(
        tokenizer_object=raw,
        pad_token=pad,
        eos_token=eos,
        unk_token=unk,
        model_max_length=MAX_TOKENS,
        extra_ids=0,
    )


def _text_encoder(vocab_size: int, umt5: bool) -> Any:
    from transformers import T5Config, T5EncoderModel, UMT5Config, UMT5EncoderModel

    options = {
        "vocab_size": vocab_size,
        "d_model": TEXT_DIM,
        "d_kv": 8,
        "d_ff": 64,
        "num_layers": 2,
        "num_heads": 4,
        "relative_attention_num_buckets": 8,
        "pad_token_id": 0,
        "eos_token_id": 1,
    }
    if umt5:
        return UMT5EncoderModel(UMT5Config(**options)).eval()
    return T5EncoderModel(T5Config(**options)).eval()


def _wan_transformer() -> Any:
    from diffusers import WanTransformer3DModel

    return WanTransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=2,
        attention_head_dim=12,
        in_channels=16,
        out_channels=16,
        text_dim=TEXT_DIM,
        freq_dim=32,
        ffn_dim=32,
        num_layers=2,
        rope_max_seq_len=32,
    ).eval()


def _wan_two_experts() -> Any:
    from diffusers import WanPipeline

    single = _wan()
    return WanPipeline(
        **{k: v for k, v in single.components.items() if k != "transformer_2"},
        transformer_2=_wan_transformer(),
        boundary_ratio=0.9,  # high so a few test steps reach the low-noise expert
    )


def _wan() -> Any:
    from diffusers import AutoencoderKLWan, UniPCMultistepScheduler, WanPipeline

    tokenizer = _tokenizer()
    transformer = _wan_transformer()
    vae = AutoencoderKLWan(
        base_dim=8, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
        temperal_downsample=[False, True, True],
    )  # fmt: skip
    scheduler = UniPCMultistepScheduler(
        prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=3.0
    )
    return WanPipeline(
        tokenizer=tokenizer,
        text_encoder=_text_encoder(len(tokenizer), umt5=True),
        transformer=transformer.eval(),
        vae=vae.eval(),
        scheduler=scheduler,
    )


def _ltx() -> Any:
    from diffusers import (
        AutoencoderKLLTXVideo,
        FlowMatchEulerDiscreteScheduler,
        LTXPipeline,
        LTXVideoTransformer3DModel,
    )

    tokenizer = _tokenizer()
    transformer = LTXVideoTransformer3DModel(
        in_channels=8,
        out_channels=8,
        patch_size=1,
        patch_size_t=1,
        num_attention_heads=2,
        attention_head_dim=8,
        cross_attention_dim=16,
        num_layers=2,
        caption_channels=TEXT_DIM,
    )
    vae = AutoencoderKLLTXVideo(
        latent_channels=8,
        block_out_channels=(8, 8, 8, 8),
        decoder_block_out_channels=(8, 8, 8, 8),
        layers_per_block=(1, 1, 1, 1, 1),
        decoder_layers_per_block=(1, 1, 1, 1, 1),
        spatio_temporal_scaling=(True, True, False, False),
        decoder_spatio_temporal_scaling=(True, True, False, False),
        decoder_inject_noise=(False, False, False, False, False),
        upsample_residual=(False, False, False, False),
        upsample_factor=(1, 1, 1, 1),
        timestep_conditioning=False,
        patch_size=1,
        patch_size_t=1,
        encoder_causal=True,
        decoder_causal=False,
    )
    return LTXPipeline(
        tokenizer=tokenizer,
        text_encoder=_text_encoder(len(tokenizer), umt5=False),
        transformer=transformer.eval(),
        vae=vae.eval(),
        scheduler=FlowMatchEulerDiscreteScheduler(),
    )


def _cogvideox() -> Any:
    from diffusers import (
        AutoencoderKLCogVideoX,
        CogVideoXDDIMScheduler,
        CogVideoXPipeline,
        CogVideoXTransformer3DModel,
    )

    tokenizer = _tokenizer()
    transformer = CogVideoXTransformer3DModel(
        num_attention_heads=2,
        attention_head_dim=16,  # rotary embeddings split it in even thirds-ish: 4 + 6 + 6
        in_channels=4,
        out_channels=4,
        time_embed_dim=2,
        text_embed_dim=TEXT_DIM,
        num_layers=2,
        sample_width=8,
        sample_height=8,
        sample_frames=9,
        patch_size=2,
        temporal_compression_ratio=4,
        max_text_seq_length=MAX_TOKENS,
        use_rotary_positional_embeddings=True,
    )
    vae = AutoencoderKLCogVideoX(
        block_out_channels=(8, 8, 8, 8),
        latent_channels=4,
        layers_per_block=1,
        norm_num_groups=2,
        temporal_compression_ratio=4,
    )
    return CogVideoXPipeline(
        tokenizer=tokenizer,
        text_encoder=_text_encoder(len(tokenizer), umt5=False),
        transformer=transformer.eval(),
        vae=vae.eval(),
        scheduler=CogVideoXDDIMScheduler(),
    )
