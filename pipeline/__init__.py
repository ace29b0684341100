"""Multilingual media asset pipeline: master spots plus per-language files become rendered variants."""

__version__ = "0.1.0"

# Bumped whenever a change to the render code changes output bytes, so old variants go stale.
RENDER_VERSION = "6"   # 3: conform step; 4: complex shaping, NFC, base direction, frame-exact cue times;
                       # 5: masters, loudness standards; 6: dub and voice-over tracks fade where
                       # padded or cut
