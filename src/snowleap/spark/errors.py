"""The exceptions ``snowleap.spark`` raises while exporting a Spark pipeline."""

from __future__ import annotations

from snowleap.errors import SnowleapError


class ExportError(SnowleapError, RuntimeError):
    """A Spark pipeline could not be written as a bundle (MLeap missing or MLeap failed)."""


class StageNotExportableError(ExportError):
    """A pipeline stage has no MLeap op, so MLeap cannot write it; the message names the stage."""


class ParityError(ExportError):
    """The written bundle, scored by snowleap, does not give Spark's numbers."""


class SavedModelError(ExportError):
    """A saved Spark model folder cannot be read (not a PipelineModel, corrupt files)."""
