"""The design: the model of `pipeline.yaml`, the rules every design must follow, loading and saving.

`load_design` and `design_from_data` are the only ways in: they convert the data and run every rule.
"""

from pipekit.design.load import DEFAULT_DESIGN_FILE, design_from_data, load_design
from pipekit.design.model import TRIGGERS, Design, Trigger

__all__ = ["DEFAULT_DESIGN_FILE", "TRIGGERS", "Design", "Trigger", "design_from_data", "load_design"]
