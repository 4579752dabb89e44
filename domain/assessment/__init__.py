"""Frameworks (strands and steps), assessment modules and judgements."""
