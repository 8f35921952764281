"""What the notebooks use: an editable design session, figures, ipywidgets panels and static reports.

`pipekit.widgets` is the entry point notebooks import; the modules here hold the parts:

- `session`: the design being edited (a plain-data copy), validated, planned and rendered per change;
- `figures`: the headline numbers of a view and their text;
- `controls`: widgets bound to key paths of the design data;
- `panel`: the live preview, buttons and static report shared by every notebook;
- `panels`: one builder per notebook;
- `charts`: matplotlib figures for the overview.
"""
