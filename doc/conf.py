# SPDX-License-Identifier: GPL-2.0-only
# Sphinx configuration of the edge-llm chapter: sphinx-build -b html doc doc/_build/html
project = "edge-llm"
copyright = "edge-llm authors, GPL-2.0-only"
master_doc = "index"
extensions = ["sphinx.ext.mathjax"]
exclude_patterns = ["_build"]
html_theme = "alabaster"
