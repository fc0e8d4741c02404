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
    high-noise and a low-noise transformer), "ltx", "ltx2" (picture and sound) or "cogvideox"."""
    builders = {
        "wan": _wan,
        "wan22": _wan_two_experts,
        "ltx": _ltx,
        "ltx2": _ltx2,
        "cogvideox": _cogvideox,
    }
    if family not in builders:
        raise ValueError(f"unknown family {family!r}; expected one of {sorted(builders)}")
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    pipeline = builders[family]()
    pipeline.save_pretrained(str(target))
    return target


def _trained_unigram(special_tokens: list[str], unk: str) -> Any:
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    # Unigram, as T5's and Gemma's own tokenizers are: their fast classes rebuild one on load.
    raw = Tokenizer(models.Unigram())
    raw.pre_tokenizer = pre_tokenizers.Metaspace()
    trainer = trainers.UnigramTrainer(vocab_size=96, special_tokens=special_tokens, unk_token=unk)
    raw.train_from_iterator(_CORPUS, trainer=trainer)
    return raw


def _tokenizer() -> Any:
    from transformers import T5TokenizerFast

    pad, eos, unk = "<pad>", "</s>", "<unk>"
    raw = _trained_unigram([pad, eos, unk], unk)
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


def _ltx2() -> Any:
    """LTX-2's layout: a Gemma 3 text encoder, text connectors, one transformer with a video and
    an audio stream, a video VAE, an audio VAE over mel spectrograms and a vocoder. The vocoder
    upsamples by the mel hop length, so the track is as long in seconds as the picture."""
    from diffusers import (
        AutoencoderKLLTX2Audio,
        AutoencoderKLLTX2Video,
        FlowMatchEulerDiscreteScheduler,
        LTX2Pipeline,
        LTX2VideoTransformer3DModel,
    )
    from diffusers.pipelines.ltx2 import LTX2TextConnectors
    from diffusers.pipelines.ltx2.vocoder import LTX2Vocoder
    from transformers import (
        Gemma3Config,
        Gemma3ForConditionalGeneration,
        Gemma3TextConfig,
        GemmaTokenizerFast,
        SiglipVisionConfig,
    )

    pad, eos, bos, unk = "<pad>", "<eos>", "<bos>", "<unk>"
    raw = _trained_unigram([pad, eos, bos, unk], unk)
    tokenizer = GemmaTokenizerFast(
        tokenizer_object=raw, pad_token=pad, eos_token=eos, bos_token=bos, unk_token=unk,
        model_max_length=MAX_TOKENS,
    )  # fmt: skip
    text_config = Gemma3TextConfig(
        vocab_size=len(tokenizer), hidden_size=TEXT_DIM, intermediate_size=64,
        num_hidden_layers=2, num_attention_heads=2, num_key_value_heads=1, head_dim=16,
        max_position_embeddings=64, sliding_window=MAX_TOKENS, pad_token_id=0, eos_token_id=1,
        bos_token_id=2,
    )  # fmt: skip
    vision_config = SiglipVisionConfig(
        hidden_size=8, intermediate_size=16, num_hidden_layers=1, num_attention_heads=2,
        image_size=16, patch_size=8,
    )  # fmt: skip
    text_encoder = Gemma3ForConditionalGeneration(
        Gemma3Config(
            text_config=text_config.to_dict(),
            vision_config=vision_config.to_dict(),
            mm_tokens_per_image=4,
        )
    )
    transformer = LTX2VideoTransformer3DModel(
        in_channels=4, out_channels=4, patch_size=1, patch_size_t=1, num_attention_heads=2,
        attention_head_dim=8, cross_attention_dim=16, audio_in_channels=4, audio_out_channels=4,
        audio_num_attention_heads=2, audio_attention_head_dim=4, audio_cross_attention_dim=8,
        num_layers=2, qk_norm="rms_norm_across_heads", caption_channels=TEXT_DIM,
        rope_double_precision=False, rope_type="split",
    )  # fmt: skip
    connectors = LTX2TextConnectors(
        caption_channels=TEXT_DIM, text_proj_in_factor=text_config.num_hidden_layers + 1,
        video_connector_num_attention_heads=4, video_connector_attention_head_dim=8,
        video_connector_num_layers=1, video_connector_num_learnable_registers=None,
        audio_connector_num_attention_heads=4, audio_connector_attention_head_dim=8,
        audio_connector_num_layers=1, audio_connector_num_learnable_registers=None,
        connector_rope_base_seq_len=32, rope_theta=10000.0, rope_double_precision=False,
        causal_temporal_positioning=False, rope_type="split",
    )  # fmt: skip
    vae = AutoencoderKLLTX2Video(
        in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(8,),
        decoder_block_out_channels=(8,), layers_per_block=(1,), decoder_layers_per_block=(1, 1),
        spatio_temporal_scaling=(True,), decoder_spatio_temporal_scaling=(True,),
        decoder_inject_noise=(False, False), downsample_type=("spatiotemporal",),
        upsample_residual=(False,), upsample_factor=(1,), timestep_conditioning=False,
        patch_size=1, patch_size_t=1, encoder_causal=True, decoder_causal=False,
    )  # fmt: skip
    audio_vae = AutoencoderKLLTX2Audio(
        base_channels=4, output_channels=2, ch_mult=(1,), num_res_blocks=1,
        attn_resolutions=None, in_channels=2, resolution=32, latent_channels=2,
        norm_type="pixel", causality_axis="height", dropout=0.0, mid_block_add_attention=False,
        sample_rate=16000, mel_hop_length=160, is_causal=True, mel_bins=8,
    )  # fmt: skip
    vocoder = LTX2Vocoder(
        in_channels=2 * 8, hidden_channels=32, out_channels=2,
        upsample_kernel_sizes=[20, 8, 8], upsample_factors=[10, 4, 4],  # 160 = the hop
        resnet_kernel_sizes=[3], resnet_dilations=[[1, 3, 5]], leaky_relu_negative_slope=0.1,
        output_sampling_rate=16000,
    )  # fmt: skip
    return LTX2Pipeline(
        scheduler=FlowMatchEulerDiscreteScheduler(),
        vae=vae.eval(),
        audio_vae=audio_vae.eval(),
        text_encoder=text_encoder.eval(),
        tokenizer=tokenizer,
        connectors=connectors.eval(),
        transformer=transformer.eval(),
        vocoder=vocoder.eval(),
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


def build_tiny_ic_lora(checkpoint: str | Path, folder: str | Path, seed: int = 0) -> Path:
    """A random LoRA over the attention projections of the tiny LTX-2 checkpoint's transformer,
    saved the way LTX-2 IC-LoRAs are published (`pytorch_lora_weights.safetensors`)."""
    from diffusers import LTX2Pipeline, LTX2VideoTransformer3DModel
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict

    transformer = LTX2VideoTransformer3DModel.from_pretrained(
        str(checkpoint), subfolder="transformer"
    )
    torch.manual_seed(seed)
    targets = ["to_q", "to_k", "to_v", "to_out.0"]
    transformer.add_adapter(
        LoraConfig(r=4, lora_alpha=4, target_modules=targets, init_lora_weights=False)
    )
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    layers = get_peft_model_state_dict(transformer)
    LTX2Pipeline.save_lora_weights(str(target), transformer_lora_layers=layers)
    return target
