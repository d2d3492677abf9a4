"""Static files in production: whitenoise's compressed, hashed copies, their URLs memoized.

Every page links its style sheets and scripts through ``{% static %}``, and
each of those looks the hashed name up in the manifest and builds its URL
again. The manifest does not change while the process runs (``collectstatic``
writes it before the server starts), so each name's URL is worked out once.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        url = self._urls.get(name)
        if url is None:
            url = self._urls[name] = super().url(name)
        return url
