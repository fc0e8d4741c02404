"""Rain streaks and snow flakes as sparse pixel sets blended per frame (no full-frame work)."""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor


class Particles:
    def __init__(self, kind: str, width: int, height: int, seed: int, device: torch.device):
        rng = np.random.default_rng(seed + 7)
        self.kind = kind
        self.width, self.height = width, height
        scale = width / 720
        if kind == "rain":
            count = width * height // 1200
            length = max(int(22 * scale), 3)
            steps = np.arange(length)
            self.offsets = np.stack([np.round(steps * 0.25), steps], -1)  # slanted streak
            self.velocity = np.array([9.0, 36.0]) * scale
            self.colour, self.mix = (205.0, 210.0, 222.0), 0.45
        else:
            count = width * height // 1000
            size = max(round(3 * scale), 2)
            self.offsets = np.stack(np.meshgrid(np.arange(size), np.arange(size)), -1).reshape(
                -1, 2
            )
            self.velocity = np.array([0.0, 2.2]) * scale
            self.colour, self.mix = (250.0, 250.0, 255.0), 0.85
        self.start = rng.uniform(0, 1, (count, 2)) * [width, height]
        self.speed = rng.uniform(0.7, 1.3, (count, 1))
        self.phase = rng.uniform(0, 2 * np.pi, count)
        self.device = device

    def draw(self, pixels: Tensor, first_frame: int) -> None:
        b = pixels.shape[0]
        k = np.arange(first_frame, first_frame + b)[:, None, None]
        pos = self.start[None] + self.velocity * self.speed[None] * k
        if self.kind == "snow":
            pos = pos + np.stack(
                [6 * np.sin(0.05 * k[..., 0] + self.phase[None]), np.zeros((b, len(self.phase)))],
                -1,
            )  # fmt: skip
        pos = np.mod(pos, [self.width, self.height])
        pts = (pos[:, :, None, :] + self.offsets[None, None]).astype(np.int64)
        pts[..., 0] %= self.width
        pts[..., 1] %= self.height
        frame = np.arange(b)[:, None, None] * (self.width * self.height)
        flat = torch.as_tensor(frame + pts[..., 1] * self.width + pts[..., 0], device=self.device)
        dest = pixels.view(-1, 3)
        under = dest[flat].to(torch.float32)
        colour = torch.tensor(self.colour, device=self.device)
        dest[flat] = (under + (colour - under) * self.mix).to(torch.uint8)
