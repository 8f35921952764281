"""What the notebooks use: an editable design session, figures, ipywidgets panels and static reports.

`pipekit.widgets` is the entry point committed notebooks import; the modules here hold the parts:

- `session`: the design being edited (a plain-data copy), validated, planned and rendered per change;
- `figures`: the headline numbers of a view and their text;
- `controls`: widgets bound to key paths of the design data;
- `panel`: the live panel every notebook shows (controls, figures, files, buttons);
- `pages`: the table of notebooks: each one's title, scope and sections of controls;
- `chart_data`: what the charts show; `charts`: drawing them (on `canvas`), `svg`: as themed inline SVG;
- `live_charts`: a panel's charts, redrawn when their data change;
- `report`: the static output of an executed notebook, its charts as PNG;
- `headless`: running the notebooks with papermill (`pipekit notebooks`).
"""
