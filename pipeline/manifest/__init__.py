"""Campaign manifests: the YAML a media team writes, read into a frozen, validated model.

`model` holds the dataclasses (`settings` those of `style:` and `qc:`), `load` reads and checks
the YAML (`nodes` types its values, every problem on its line), `outputs` reads the profiles and
clock numbers, `contact` whom the page says to ask, `input_names` tells why a file in a spot's
folder is read by no variant, `language_names` a language's names and codes (CLDR, ISO 639).
"""

from pipeline.manifest.language_names import alpha3
from pipeline.manifest.load import load_manifest
from pipeline.manifest.model import (
                                     AUDIO_SUFFIXES,
                                     PAGE_LANGUAGES,
                                     SLUG,
                                     SUBTITLE_SUFFIXES,
                                     TREATMENTS,
                                     Contact,
                                     Language,
                                     Manifest,
                                     Spot,
                                     SpotMedium,
                                     Treatment,
)
from pipeline.manifest.settings import Box, QcSettings, Style

__all__ = ["AUDIO_SUFFIXES", "PAGE_LANGUAGES", "SLUG", "SUBTITLE_SUFFIXES", "TREATMENTS", "Box",
           "Contact", "Language", "Manifest", "QcSettings", "Spot", "SpotMedium", "Style",
           "Treatment", "alpha3", "load_manifest"]
