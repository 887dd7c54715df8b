"""Static files with content-hashed names once `collectstatic` has run, plain names before.

WhiteNoise serves a hashed name (`admin/css/base.5af66c1b1797.css`) with a far-future cache
header, so browsers fetch each stylesheet once per release. Django's manifest storage refuses
to name a file its manifest lacks; that would break every page rendered where nothing was
collected (the tests, a development checkout, a benchmark) and every page after a new file was
added but before the next `collectstatic`. Here such a file keeps its plain name instead: the
page renders, and the file is served from the apps wherever WhiteNoise looks there
(`WHITENOISE_USE_FINDERS`), or is missing until the next `collectstatic` in production.
"""

from urllib.parse import unquote, urlsplit

from whitenoise.storage import CompressedManifestStaticFilesStorage  # type: ignore[import-untyped]


class HashedWhenCollected(CompressedManifestStaticFilesStorage):
    """Names from the collected manifest; a name the manifest lacks stays as written."""

    def stored_name(self, name: str) -> str:
        path = urlsplit(unquote(name)).path.strip()
        if self.hash_key(self.clean_name(path)) not in self.hashed_files:
            return name
        return str(super().stored_name(name))
