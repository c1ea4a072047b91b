"""One module per capability; run_e2e.py lists their scenarios in order."""
