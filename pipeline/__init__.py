"""claimcheck: check the claims of a health-advice article against the sources it cites.

The public surface is small: `load_settings` to read settings, `check_article` to run the
whole check, and the records in `pipeline.records`. Stages live in their own modules and are
wired together only by `pipeline.runner`.
"""

__version__ = "0.1.0"
