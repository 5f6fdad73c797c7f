"""Placeholder replaced by the similarity pipeline (issue #4)."""
def write_similarity(corpus, out, progress=True):
    return None
