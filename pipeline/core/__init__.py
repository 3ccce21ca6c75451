"""The pure domain of MyMeIn: submissions, validation, reference codes, review-row decisions. No I/O here."""
