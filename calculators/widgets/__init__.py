"""ipywidgets calculators: a thin layer that reads controls, calls the pure functions, keeps the result on
``self.view`` (a DataFrame or value tests can assert on) and displays it. No arithmetic here.

One module per topic (``tokens``, ``price``, ``speed``, ``choice``). They need a running kernel (Jupyter,
Binder, Colab); the static site shows the browser-side charts of ``calculators.charts`` instead.
"""
