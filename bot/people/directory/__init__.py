"""The people directory: curated ``people.yaml`` entries merged with discovered people.

* :mod:`.drafts`: who is in it (curated entries over discovered candidates) and their bylines;
* :mod:`.scan`: the pass over the corpus that finds each person's mentions, roles and quotes;
* :mod:`.lookup`: :class:`PeopleDirectory`, built from both, and every query on it.
"""

from bot.people.directory.lookup import PeopleDirectory, build_directory
from bot.people.directory.scan import KEPT, mention_sentences

__all__ = ["KEPT", "PeopleDirectory", "build_directory", "mention_sentences"]
