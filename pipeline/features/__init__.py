"""What the pipeline does besides the news rows: complaints, readers' comments, KIM registration, e-mail
notices, photo sharing."""
