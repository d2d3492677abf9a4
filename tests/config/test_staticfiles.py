"""config.staticfiles: the manifest's hashed URLs, each worked out once."""

from __future__ import annotations

import json

import pytest

from config.staticfiles import StaticFilesStorage


def test_urls_are_the_manifests_hashed_names_worked_out_once(tmp_path):
    manifest = {"version": "1.1", "paths": {"css/app.css": "css/app.abc123.css"}, "hash": "x"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    storage = StaticFilesStorage(location=tmp_path, base_url="/static/")
    assert storage.url("css/app.css") == "/static/css/app.abc123.css"
    # The manifest never changes while the process runs; if it did, the URL already given stays.
    storage.hashed_files["css/app.css"] = "css/app.def456.css"
    assert storage.url("css/app.css") == "/static/css/app.abc123.css"
    assert storage.url("css/app.css", force=True) == "/static/css/app.def456.css"
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        storage.url("css/missing.css")
    with pytest.raises(ValueError):  # still missing: a failure is not remembered as a URL
        storage.url("css/missing.css")
