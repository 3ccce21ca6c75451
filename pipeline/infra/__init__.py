"""Plumbing the layers share: locks, private files, SMTP mail, the regions file, the review spreadsheet's tabs."""
