"""What each caller may see of a pupil, subject access, erasure and retention."""
