"""snowleap: score MLeap Bundle.ML pipelines in pure Python and numpy, no JVM needed."""

from snowleap.errors import BundleError, InputError, SnowleapError, UnknownOpError
from snowleap.model import Model, load

__all__ = ["BundleError", "InputError", "Model", "SnowleapError", "UnknownOpError", "load"]
__version__ = "0.1.0"
