"""gdlib: the numpy library behind the book *Gradient-Based Optimization for Neural Networks*."""
__version__ = "0.1.0"
from . import nn, data, preprocessing, training  # noqa: E402,F401  (chapters 4, 9-12)
from . import viz  # noqa: E402,F401  (figures; matplotlib loads on first use)
from .explore import explore, Slider, IntSlider, Choice, Checkbox, Play  # noqa: E402,F401
from . import calculus, linesearch, noise, objectives, optim, schedules
from . import parallel  # noqa: E402,F401  (chapter 13)
from .descent import Result, minimize, steepest_descent
from .newton import newton
