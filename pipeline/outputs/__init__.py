"""What the pipeline renders for people: posts and e-mails (templates), the monthly report, the printed bulletin."""
