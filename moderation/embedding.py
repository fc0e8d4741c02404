"""The sentence-embedding model moderation uses: the site's one shared instance
(sora_site.core.embeddings), so the web process loads MiniLM once for every app."""

from sora_site.core.embeddings import EMBED_THREADS, embed, get_model

__all__ = ["EMBED_THREADS", "embed", "get_model"]
