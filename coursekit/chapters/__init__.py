"""One module per chapter: its models, facts, explorers and charts (the questions live in the chapter's
content file, ``notebooks/NN_slug.yml``).

Chapter modules are imported on demand (``from coursekit.chapters import ch3``), so a notebook pays only for
its own chapter.
"""
