"""The archive of a publication folder: what was published, and whether it still is.

A publication folder (``issues/``, optional ``styles/`` ``fonts/`` ``figures/``, ``output/``)
is archived month after month. This package keeps its record and its checks:

- ``hashes``: sha256 of files, cached by path, size and mtime so unchanged files are not
  re-read; the program's and libraries' versions; input paths as the manifest names them;
- ``manifest``: ``output/manifest.json``, per edition the PDF's hash, its inputs' hashes,
  the versions that built it and every published revision's hash;
- ``freshness``: whether an edition's PDF is up to date (the key ``build EDITION`` and
  ``build --all`` share: options, versions, inputs' hashes, lookup folders, the PDF's hash);
- ``incremental``: ``briefing build --all``, rebuilding (in parallel) the editions whose
  inputs changed since their last build;
- ``verify``: ``briefing verify``, every drift between the folder and its manifest;
- ``new``: ``briefing new``, the next edition started from the latest one.

Nothing here prints: ``layout.cli`` does.
"""
