"""`stepwise demo`: a realistic trust with three schools, built from the seed documents."""
