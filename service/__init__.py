"""The product shell: the CLI, the API, the page's helpers, admin, feedback and export.

It imports the answering core (`qa/`), never the reverse; `python -m qa` is the one launcher in `qa/` that
starts the shell's CLI.
"""
