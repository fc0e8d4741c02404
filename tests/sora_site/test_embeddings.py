"""One MiniLM per process: the site's embeddings and the engine's director share the instance."""

from __future__ import annotations

import numpy as np

from gen_engine.director import embedding as director_embedding
from sora_site.core import embeddings


def test_site_and_director_embed_with_one_model_instance() -> None:
    assert director_embedding.warm_up()
    assert embeddings.get_model() is director_embedding._state["model"]
    site = embeddings.embed(["a dog runs on the beach"])
    engine = director_embedding.embed_uncached(["a dog runs on the beach"])
    assert site.shape == engine.shape == (1, 384)
    assert np.allclose(site, engine, atol=1e-5)  # same weights, same numbers
