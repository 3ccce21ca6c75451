"""Adapters over gspread and google-api-python-client. They are handed ready clients by `app.py`."""
